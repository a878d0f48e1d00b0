import { describe, expect, it } from 'vitest';

import { EMPTY_TAR_DIFF_ID, EMPTY_TAR_GZIP_DIGESTS } from '../empty-layers.ts';
import type { ChainKind } from '../model/image.ts';
import {
  descendantQueries,
  findDescendantDigests,
  findDescendantsIn,
  isDescendant,
} from './descendants.ts';
import { testLayer, testRecord } from './test-images.ts';

const A = testLayer('a');
const B = testLayer('b');
const C = testLayer('c');
const EMPTY = { digest: EMPTY_TAR_GZIP_DIGESTS[0] ?? '', diffId: EMPTY_TAR_DIFF_ID };

async function* toAsync<T>(values: readonly T[]): AsyncGenerator<T> {
  for (const value of values) {
    yield await Promise.resolve(value);
  }
}

describe('findDescendantDigests', () => {
  it('yields stored images that extend the new image once each', async () => {
    const base = testRecord('base', [A]);
    const child = testRecord('child', [A, B]);
    const recompressed = testRecord('recompressed', [testLayer('a', { compression: 'zstd' }), C]);
    const unrelated = testRecord('unrelated', [B, A]);
    const alias = testRecord('alias', [A]);
    const stored = [base, child, recompressed, unrelated, alias];
    const find = (kind: ChainKind, chainId: string, layerCount: number) =>
      toAsync(findDescendantsIn(stored, kind, chainId, layerCount));

    const found: string[] = [];
    for await (const digest of findDescendantDigests(base, find)) found.push(digest);

    expect(found.sort()).toEqual([child.image.digest, recompressed.image.digest].sort());
    expect(isDescendant(child, base)).toBe(true);
    expect(isDescendant(alias, base)).toBe(false);
    expect(isDescendant(unrelated, base)).toBe(false);
  });

  it('finds no descendants of an empty-layer-only image', () => {
    const empty = testRecord('empty', [EMPTY]);
    const child = testRecord('child', [EMPTY, A]);

    expect(descendantQueries(empty)).toEqual([]);
    expect(isDescendant(child, empty)).toBe(false);
  });

  it('queries by blob chain only without diff IDs', () => {
    const base = testRecord('base', [testLayer('a', { diffId: false })]);

    expect(descendantQueries(base).map((query) => query.kind)).toEqual(['blob']);
  });
});
