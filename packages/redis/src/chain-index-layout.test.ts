import { describe, expect, it } from 'vitest';
import { ChainIndexLayout, decodeDigests, encodeDigest } from './chain-index-layout.ts';

const CHAIN = `sha256:abcd0123456789ab${'0'.repeat(44)}1234`;

describe('ChainIndexLayout', () => {
  it('splits a chain ID into bucket and fingerprint', () => {
    const location = new ChainIndexLayout('p:', 4).locate('diffId', CHAIN);

    expect(location.key).toBe('p:{d:abcd}');
    expect(location.field).toHaveLength(6);
    expect(location.field.toString('hex')).toBe('0123456789ab');
  });

  it('takes the fingerprint width from the layout', () => {
    const narrow = new ChainIndexLayout('p:', 2, 1).locate('blob', CHAIN);
    const whole = new ChainIndexLayout('p:', 4, 30).locate('blob', CHAIN);

    expect(narrow.key).toBe('p:{b:ab}');
    expect(narrow.field.toString('hex')).toBe('cd');
    expect(whole.field.toString('hex')).toBe(CHAIN.slice('sha256:abcd'.length));
  });

  it('gives chains with equal leading bytes one field', () => {
    const layout = new ChainIndexLayout('p:', 4);
    const other = `${CHAIN.slice(0, -4)}ffff`;

    expect(layout.locate('blob', other)).toEqual(layout.locate('blob', CHAIN));
  });

  it('separates blob chains from diff-ID chains', () => {
    const layout = new ChainIndexLayout('p:', 2);

    expect(layout.locate('blob', CHAIN).key).toBe('p:{b:ab}');
    expect(layout.locate('diffId', CHAIN).key).toBe('p:{d:ab}');
  });

  it('locates many chains like locate', () => {
    const layout = new ChainIndexLayout('p:', 4);
    const other = `sha256:ffee${'9'.repeat(60)}`;
    const chains = [
      { kind: 'blob' as const, chainId: CHAIN },
      { kind: 'diffId' as const, chainId: other },
    ];
    const single = chains.map((chain) => layout.locate(chain.kind, chain.chainId));

    const locations = layout.locateAll(chains);

    expect(locations.keys).toEqual(single.map((location) => location.key));
    expect(locations.fields).toEqual(Buffer.concat(single.map((location) => location.field)));
  });

  it('rejects invalid chain ID in list', () => {
    const chains = [
      { kind: 'blob' as const, chainId: CHAIN },
      { kind: 'blob' as const, chainId: `sha256:${'G'.repeat(64)}` },
    ];

    expect(() => new ChainIndexLayout('p:', 4).locateAll(chains)).toThrow(/invalid chainId/);
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

  it('rejects fingerprint widths outside the chain ID', () => {
    for (const bytes of [0, 1.5, 31]) {
      expect(() => new ChainIndexLayout('p:', 4, bytes)).toThrow(/invalid fingerprintBytes/);
    }
    expect(() => new ChainIndexLayout('p:', 2, 31)).not.toThrow();
  });

  it('rejects chain IDs that are not SHA-256', () => {
    expect(() => new ChainIndexLayout('p:', 4).locate('blob', 'sha256:ABCD')).toThrow(
      /invalid chainId/,
    );
  });

  it('rejects malformed chain IDs', () => {
    const layout = new ChainIndexLayout('p:', 4);
    const invalid = [
      CHAIN.toUpperCase(),
      `sha256:${'A'.repeat(64)}`,
      `sha256:${'g'.repeat(64)}`,
      `sha256:${'é'.repeat(64)}`,
      `sha512:${'0'.repeat(64)}`,
      `${CHAIN}0`,
    ];
    for (const chainId of invalid) {
      expect(() => layout.locate('blob', chainId)).toThrow(/invalid chainId/);
    }
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
