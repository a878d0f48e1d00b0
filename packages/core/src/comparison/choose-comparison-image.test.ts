import { describe, expect, it } from 'vitest';

import type { Ancestry } from '../ancestry/derive-ancestry.ts';
import { chooseComparisonImage } from './choose-comparison-image.ts';

const digest = (n: number) => `sha256:${String(n).repeat(64)}`;

function ancestor(n: number, matchedLayers: number, markedBase = false) {
  const entry = {
    digest: digest(n),
    tags: [],
    matchedLayers,
    layers: [],
    matchedBy: 'diffId' as const,
  };

  return markedBase ? { ...entry, markedBase } : entry;
}

const ancestry: Ancestry = {
  image: { digest: digest(9), tags: [] },
  ancestors: [ancestor(3, 3), ancestor(2, 2, true), ancestor(1, 1)],
  parent: { digest: digest(3) },
  base: { digest: digest(1) },
  aliases: [],
};

describe('chooseComparisonImage', () => {
  it('prefers the nearest marked base by default', () => {
    expect(chooseComparisonImage(ancestry)).toEqual({ digest: digest(2), relation: 'marked-base' });
  });

  it('falls back to the base without a marked one', () => {
    const unmarked = { ...ancestry, ancestors: [ancestor(3, 3), ancestor(1, 1)] };

    expect(chooseComparisonImage(unmarked)).toEqual({ digest: digest(1), relation: 'base' });
  });

  it('returns the requested relation', () => {
    expect(chooseComparisonImage(ancestry, { relation: 'parent' })?.digest).toBe(digest(3));
    expect(chooseComparisonImage(ancestry, { relation: 'ancestor', digest: digest(2) })).toEqual({
      digest: digest(2),
      relation: 'ancestor',
    });
    expect(chooseComparisonImage(ancestry, { relation: 'ancestor', digest: digest(7) })).toBeNull();
    expect(
      chooseComparisonImage(ancestry, { relation: 'image', digest: digest(7) })?.relation,
    ).toBe('image');
  });

  it('returns null without ancestors', () => {
    const none = { ...ancestry, ancestors: [], parent: null, base: null };

    expect(chooseComparisonImage(none)).toBeNull();
  });
});
