import { makeImageRecord, randomDigest, randomLayers, uniqueName } from '@strata/contract-tests';
import { deriveAncestry, indexedChains } from '@strata/core';
import type { Digest, ImageRecord, IndexedChain } from '@strata/core';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisChainIndex } from './redis-chain-index.ts';

let client: Redis;
let index: RedisChainIndex;

beforeAll(() => {
  client = new Redis(process.env.REDIS_URL ?? '', { maxRetriesPerRequest: 2 });
});

afterAll(async () => {
  await client.quit();
});

beforeEach(() => {
  index = new RedisChainIndex({ client, prefix: `${uniqueName('strata-test')}:` });
});

afterEach(async () => {
  await index.clear();
});

/**
 * Returns a chain ID equal to `chainId` in its first 8 bytes, the 4 bucket digits and the 6-byte
 * fingerprint of the default layout, and random after them. Such pairs are too rare to find by
 * hashing layers, so the tests set them directly.
 */
function collidingChain(chainId: Digest): Digest {
  const leading = chainId.slice(0, 'sha256:'.length + 16);

  return `${leading}${randomDigest().slice(leading.length)}`;
}

/** Returns a copy of `record` whose full chains collide with those of `target`. */
function impostorOf(record: ImageRecord, target: ImageRecord): ImageRecord {
  const last = record.blobChains.length - 1;
  const blobChains = [...record.blobChains];
  blobChains[last] = collidingChain(target.blobChains.at(-1) ?? '');
  const diffIdChains = record.diffIdChains === null ? null : [...record.diffIdChains];
  if (diffIdChains !== null) diffIdChains[last] = collidingChain(target.diffIdChains?.at(-1) ?? '');

  return { ...record, blobChains, diffIdChains };
}

describe('RedisChainIndex with colliding fingerprints', () => {
  it('returns the images of both chains for either', async () => {
    const first: IndexedChain = { kind: 'blob', chainId: randomDigest() };
    const second: IndexedChain = { kind: 'blob', chainId: collidingChain(first.chainId) };
    const [one, two] = [randomDigest(), randomDigest()];
    await index.add(one, [first]);
    await index.add(two, [second]);

    const both = [one, two].sort();

    expect(await index.lookup([first, second])).toEqual([both, both]);
    expect(await index.size()).toBe(2);
  });

  it('removes only the given image from a shared field', async () => {
    const first: IndexedChain = { kind: 'diffId', chainId: randomDigest() };
    const second: IndexedChain = { kind: 'diffId', chainId: collidingChain(first.chainId) };
    const [removed, kept] = [randomDigest(), randomDigest()];
    await index.add(removed, [first]);
    await index.add(kept, [second]);

    await index.remove(removed, [first]);

    expect(await index.lookup([first, second])).toEqual([[kept], [kept]]);
    expect(await index.size()).toBe(1);
    await index.remove(kept, [second]);
    expect(await index.lookup([second])).toEqual([[]]);
    expect(await index.size()).toBe(0);
  });
});

describe('deriveAncestry over colliding fingerprints', () => {
  it('drops candidates whose chains only share the fingerprint', async () => {
    const parent = makeImageRecord({ layers: randomLayers(2) });
    const child = makeImageRecord({ layers: [...parent.image.layers, ...randomLayers(1)] });
    const impostors = [
      impostorOf(makeImageRecord({ layers: randomLayers(2) }), parent),
      impostorOf(makeImageRecord({ layers: randomLayers(2, false) }), parent),
      impostorOf(makeImageRecord({ layers: randomLayers(3) }), child),
    ];
    const records = new Map<Digest, ImageRecord>();
    for (const record of [parent, child, ...impostors]) {
      records.set(record.image.digest, record);
      await index.add(record.image.digest, indexedChains(record));
    }
    const load = (digests: readonly Digest[]) =>
      Promise.resolve(digests.flatMap((digest) => records.get(digest) ?? []));

    const parentFields = new Set((await index.lookup(indexedChains(parent))).flat());
    const childFields = new Set((await index.lookup(indexedChains(child))).flat());
    const ancestry = await deriveAncestry(child, index, load);

    expect(parentFields).toContain(impostors[0]?.image.digest);
    expect(parentFields).toContain(impostors[1]?.image.digest);
    expect(childFields).toContain(impostors[2]?.image.digest);
    expect(ancestry.ancestors.map((ancestor) => ancestor.digest)).toEqual([parent.image.digest]);
    expect(ancestry.parent?.digest).toBe(parent.image.digest);
    expect(ancestry.parent?.others).toBeUndefined();
    expect(ancestry.aliases).toEqual([]);
  });
});
