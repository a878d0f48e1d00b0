import type { ChainIndex, IndexedChain } from '@strata/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContractFactory, ContractFixture } from './fixtures.ts';
import { randomDigest } from './fixtures.ts';

/** Cases every `ChainIndex` passes; `factory` gives each test an empty index of its own. */
export function chainIndexContract(name: string, factory: ContractFactory<ChainIndex>): void {
  describe(`${name} chain index`, () => {
    let fixture: ContractFixture<ChainIndex>;
    let index: ChainIndex;

    beforeEach(async () => {
      fixture = await factory();
      index = fixture.subject;
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    it('looks up added images in query order', async () => {
      const [image, other] = [randomDigest(), randomDigest()];
      const blob: IndexedChain = { kind: 'blob', chainId: randomDigest() };
      const diffId: IndexedChain = { kind: 'diffId', chainId: randomDigest() };
      const unknown: IndexedChain = { kind: 'blob', chainId: randomDigest() };
      await index.add(image, [blob, diffId]);
      await index.add(other, [{ kind: 'blob', chainId: randomDigest() }]);

      expect(await index.lookup([diffId, unknown, blob])).toEqual([[image], [], [image]]);
      expect(await index.size()).toBe(3);
    });

    it('returns nothing for no queries', async () => {
      expect(await index.lookup([])).toEqual([]);
    });

    it('separates chain kinds', async () => {
      const image = randomDigest();
      const chainId = randomDigest();
      await index.add(image, [{ kind: 'diffId', chainId }]);

      const found = await index.lookup([{ kind: 'blob', chainId }]);

      expect(found).toEqual([[]]);
    });

    it('sorts and deduplicates images of one chain', async () => {
      const chain: IndexedChain = { kind: 'blob', chainId: randomDigest() };
      const images = Array.from({ length: 6 }, () => randomDigest());
      for (const image of images) {
        await index.add(image, [chain]);
      }
      await index.add(images[0] ?? '', [chain]);

      expect(await index.lookup([chain])).toEqual([[...images].sort()]);
      expect(await index.size()).toBe(6);
    });

    it('keeps every image of concurrent adds', async () => {
      const chain: IndexedChain = { kind: 'diffId', chainId: randomDigest() };
      const images = Array.from({ length: 20 }, () => randomDigest());

      await Promise.all(images.map((image) => index.add(image, [chain])));

      expect(await index.lookup([chain])).toEqual([[...images].sort()]);
      expect(await index.size()).toBe(20);
    });

    it('removes one image and ignores missing ones', async () => {
      const chain: IndexedChain = { kind: 'blob', chainId: randomDigest() };
      const [kept, removed] = [randomDigest(), randomDigest()];
      await index.add(kept, [chain]);
      await index.add(removed, [chain]);

      await index.remove(removed, [chain]);
      await index.remove(removed, [chain]);
      await index.remove(randomDigest(), [{ kind: 'diffId', chainId: randomDigest() }]);

      expect(await index.lookup([chain])).toEqual([[kept]]);
      expect(await index.size()).toBe(1);
    });

    it('forgets a chain whose last image is removed', async () => {
      const chain: IndexedChain = { kind: 'blob', chainId: randomDigest() };
      const image = randomDigest();
      await index.add(image, [chain]);

      await index.remove(image, [chain]);

      expect(await index.lookup([chain])).toEqual([[]]);
      expect(await index.size()).toBe(0);
    });

    it('clears every entry', async () => {
      const chains = Array.from({ length: 50 }, (): IndexedChain => ({
        kind: 'blob',
        chainId: randomDigest(),
      }));
      await index.add(randomDigest(), chains);

      await index.clear();

      expect(await index.size()).toBe(0);
      expect((await index.lookup(chains)).flat()).toEqual([]);
    });
  });
}
