import { createHash, hash } from 'node:crypto';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { blobChains, diffIdChains, prefixChains } from './chain-id.ts';

function sha256Text(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** A second ChainID implementation, written from the OCI image spec independently of prefixChains. */
function chainIdBySpec(diffIds: readonly string[]): string {
  if (diffIds.length === 1) {
    return diffIds[0] ?? '';
  }

  const parent = chainIdBySpec(diffIds.slice(0, -1));

  return `sha256:${hash('sha256', `${parent} ${diffIds.at(-1) ?? ''}`, 'hex')}`;
}

const digestArbitrary = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((bytes) => `sha256:${Buffer.from(bytes).toString('hex')}`);

describe('prefixChains', () => {
  it('computes the ChainID of three layers by hand', () => {
    const a = sha256Text('layer a');
    const b = sha256Text('layer b');
    const c = sha256Text('layer c');
    const ab = sha256Text(`${a} ${b}`);
    const abc = sha256Text(`${ab} ${c}`);

    expect(prefixChains([a, b, c])).toEqual([a, ab, abc]);
  });

  it('agrees with an independent implementation', () => {
    fc.assert(
      fc.property(fc.array(digestArbitrary, { minLength: 1, maxLength: 12 }), (ids) => {
        const chains = prefixChains(ids);
        ids.forEach((_, position) => {
          expect(chains[position]).toBe(chainIdBySpec(ids.slice(0, position + 1)));
        });
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('keeps positions of duplicate layers', () => {
    const a = sha256Text('a');
    const chains = prefixChains([a, a]);

    expect(chains).toHaveLength(2);
    expect(chains[1]).not.toBe(chains[0]);
  });

  it('returns no chains for no layers', () => {
    expect(prefixChains([])).toEqual([]);
  });
});

describe('diffIdChains', () => {
  it('returns null when a layer lacks a diff ID', () => {
    const layers = [
      { digest: sha256Text('x'), diffId: sha256Text('y') },
      { digest: sha256Text('z') },
    ];

    expect(diffIdChains(layers)).toBeNull();
  });

  it('chains diff IDs and blob chains separately', () => {
    const layers = [
      { digest: sha256Text('gz 1'), diffId: sha256Text('tar 1') },
      { digest: sha256Text('gz 2'), diffId: sha256Text('tar 2') },
    ];

    expect(diffIdChains(layers)).toEqual(prefixChains([sha256Text('tar 1'), sha256Text('tar 2')]));
    expect(blobChains(layers)).toEqual(prefixChains([sha256Text('gz 1'), sha256Text('gz 2')]));
  });
});
