import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { EMPTY_TAR_DIFF_ID, EMPTY_TAR_GZIP_DIGESTS, isEmptyLayer } from '../empty-layers.ts';
import { indexedChains } from '../image-record.ts';
import { InMemoryChainIndex } from '../memory-chain-index.ts';
import type { ImageRecord, Layer } from '../model/image.ts';
import { deriveAncestry } from './derive-ancestry.ts';
import { testDigest, testRecord } from './test-images.ts';

/** Layer names drawn from a small alphabet, so that prefixes, aliases and duplicates are common. */
const layerNameArbitrary = fc.constantFrom('a', 'b', 'c', 'empty');

const imageSpecArbitrary = fc.record({
  layers: fc.array(layerNameArbitrary, { minLength: 1, maxLength: 5 }),
  compression: fc.constantFrom('gzip', 'zstd'),
  withDiffIds: fc.boolean(),
  markedBase: fc.boolean(),
  tagged: fc.boolean(),
});

type ImageSpec = typeof imageSpecArbitrary extends fc.Arbitrary<infer T> ? T : never;

function toLayer(name: string, spec: ImageSpec): Layer {
  if (name === 'empty') {
    const digest =
      spec.compression === 'gzip' ? EMPTY_TAR_GZIP_DIGESTS[0] : EMPTY_TAR_GZIP_DIGESTS[1];
    const layer: Layer = { digest: digest ?? '' };
    if (spec.withDiffIds) layer.diffId = EMPTY_TAR_DIFF_ID;

    return layer;
  }

  const layer: Layer = { digest: testDigest(`${spec.compression} ${name}`) };
  if (spec.withDiffIds) layer.diffId = testDigest(`tar ${name}`);

  return layer;
}

function toRecords(specs: readonly ImageSpec[]): ImageRecord[] {
  return specs.map((spec, position) =>
    testRecord(
      String(position),
      spec.layers.map((name) => toLayer(name, spec)),
      { markedBase: spec.markedBase, tags: spec.tagged ? [`repo:${position}`] : [] },
    ),
  );
}

/** Brute force: compare every pair of images layer by layer, without chains or the index. */
function bruteForce(record: ImageRecord, all: readonly ImageRecord[]) {
  const layers = record.image.layers;
  const ancestors: string[] = [];
  const aliases: string[] = [];
  for (const other of all) {
    const count = other.image.layers.length;
    if (other === record || count > layers.length) continue;
    if (layers.slice(0, count).every(isEmptyLayer)) continue;
    const byDiffId = record.diffIdChains !== null && other.diffIdChains !== null;
    const same = other.image.layers.every((layer, position) => {
      const mine = layers[position];
      return byDiffId ? layer.diffId === mine?.diffId : layer.digest === mine?.digest;
    });
    if (!same) continue;
    if (count === layers.length) {
      aliases.push(other.image.digest);
    } else {
      ancestors.push(`${other.image.digest} ${count} ${byDiffId ? 'diffId' : 'layerDigest'}`);
    }
  }

  return { ancestors: ancestors.sort(), aliases: aliases.sort() };
}

async function indexOf(records: readonly ImageRecord[]) {
  const index = new InMemoryChainIndex();
  for (const record of records) {
    await index.add(record.image.digest, indexedChains(record));
  }

  return index;
}

describe('deriveAncestry', () => {
  it('equals a brute-force prefix comparison', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(imageSpecArbitrary, { minLength: 1, maxLength: 14 }),
        async (specs) => {
          const records = toRecords(specs);
          const byDigest = new Map(records.map((record) => [record.image.digest, record]));
          const load = (digests: readonly string[]) =>
            Promise.resolve(digests.flatMap((digest) => byDigest.get(digest) ?? []));
          const index = await indexOf(records);
          for (const record of records) {
            const ancestry = await deriveAncestry(record, index, load);
            const expected = bruteForce(record, records);
            const found = ancestry.ancestors.map(
              (ancestor) => `${ancestor.digest} ${ancestor.matchedLayers} ${ancestor.matchedBy}`,
            );

            expect(found.sort()).toEqual(expected.ancestors);
            expect(ancestry.aliases.map((alias) => alias.digest)).toEqual(expected.aliases);
          }
        },
      ),
      { seed: 424242, numRuns: 300 },
    );
  });

  it('orders ancestors nearest first with parent and base at the ends', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(imageSpecArbitrary, { minLength: 2, maxLength: 14 }),
        async (specs) => {
          const records = toRecords(specs);
          const byDigest = new Map(records.map((record) => [record.image.digest, record]));
          const load = (digests: readonly string[]) =>
            Promise.resolve(digests.flatMap((digest) => byDigest.get(digest) ?? []));
          const index = await indexOf([...records].reverse());
          for (const record of records) {
            const { ancestors, parent, base } = await deriveAncestry(record, index, load);
            const counts = ancestors.map((ancestor) => ancestor.matchedLayers);

            expect(counts).toEqual([...counts].sort((a, b) => b - a));
            expect(parent?.digest).toBe(ancestors[0]?.digest);
            const lowest = ancestors.filter((ancestor) => ancestor.matchedLayers === counts.at(-1));
            expect(base?.digest).toBe(lowest[0]?.digest);
            expect(base?.others?.length ?? 0).toBe(Math.max(lowest.length - 1, 0));
          }
        },
      ),
      { seed: 1337, numRuns: 200 },
    );
  });
});
