import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { EMPTY_TAR_DIFF_ID, emptyPrefixFlags, isEmptyLayer } from './empty-layers.ts';

const OTHER = `sha256:${'0'.repeat(64)}`;

describe('EMPTY_TAR_DIFF_ID', () => {
  it('is the digest of 1024 zero bytes', () => {
    const digest = createHash('sha256').update(Buffer.alloc(1024)).digest('hex');

    expect(EMPTY_TAR_DIFF_ID).toBe(`sha256:${digest}`);
  });
});

describe('emptyPrefixFlags', () => {
  it('flags only leading empty layers', () => {
    const empty = { digest: OTHER, diffId: EMPTY_TAR_DIFF_ID };
    const full = { digest: OTHER };

    expect(emptyPrefixFlags([empty, empty, full, empty])).toEqual([true, true, false, false]);
    expect(isEmptyLayer(empty)).toBe(true);
    expect(isEmptyLayer(full)).toBe(false);
  });
});
