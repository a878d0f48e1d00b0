import { describe, expect, it } from 'vitest';
import { ChainIndexLayout, decodeDigests, encodeDigest } from './chain-index-layout.ts';

const CHAIN = `sha256:abcd${'0'.repeat(56)}1234`;

describe('ChainIndexLayout', () => {
  it('puts the first digits in the key and the rest in the field', () => {
    const location = new ChainIndexLayout('p:', 4).locate('diffId', CHAIN);

    expect(location.key).toBe('p:{d:abcd}');
    expect(location.field).toHaveLength(30);
    expect(location.field.toString('hex')).toBe(`${'0'.repeat(56)}1234`);
  });

  it('separates blob chains from diff-ID chains', () => {
    const layout = new ChainIndexLayout('p:', 2);

    expect(layout.locate('blob', CHAIN).key).toBe('p:{b:ab}');
    expect(layout.locate('blob', CHAIN).field).toHaveLength(31);
  });

  it('rejects prefixes that break hash tags or globs', () => {
    expect(() => new ChainIndexLayout('p{x}:', 4)).toThrow(/invalid Redis key prefix/);
    expect(() => new ChainIndexLayout('p*', 4)).toThrow(/invalid Redis key prefix/);
  });

  it('rejects odd or out-of-range bucket digits', () => {
    for (const digits of [0, 3, 10, 2.5]) {
      expect(() => new ChainIndexLayout('p:', digits)).toThrow(/invalid bucketHexDigits/);
    }
  });

  it('rejects chain IDs that are not SHA-256', () => {
    expect(() => new ChainIndexLayout('p:', 4).locate('blob', 'sha256:ABCD')).toThrow(
      /invalid chainId/,
    );
  });
});

describe('encodeDigest and decodeDigests', () => {
  it('round-trip concatenated digests', () => {
    const digests = [`sha256:${'01'.repeat(32)}`, `sha256:${'fe'.repeat(32)}`];
    const value = Buffer.concat(digests.map(encodeDigest));

    expect(value).toHaveLength(64);
    expect(decodeDigests(value)).toEqual(digests);
    expect(decodeDigests(null)).toEqual([]);
  });
});
