import type { ResultVersionStore } from '@strata/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContractFactory, ContractFixture } from './fixtures.ts';
import { randomDigest } from './fixtures.ts';

const ANCESTRY = 'image.ancestry';
const COMPARISON = 'image.base-comparison';

/** Cases every `ResultVersionStore` passes; `factory` gives each test an empty store. */
export function resultVersionStoreContract(
  name: string,
  factory: ContractFactory<ResultVersionStore>,
): void {
  describe(`${name} result version store`, () => {
    let fixture: ContractFixture<ResultVersionStore>;
    let store: ResultVersionStore;

    beforeEach(async () => {
      fixture = await factory();
      store = fixture.subject;
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    it('numbers changed content from 1', async () => {
      const image = randomDigest();

      expect(await store.current(image, ANCESTRY)).toBeNull();
      expect(await store.next(image, ANCESTRY, 'hash-a')).toBe(1);
      expect(await store.next(image, ANCESTRY, 'hash-a')).toBeNull();
      expect(await store.next(image, ANCESTRY, 'hash-b')).toBe(2);
      expect(await store.next(image, ANCESTRY, 'hash-a')).toBe(3);
      expect(await store.current(image, ANCESTRY)).toEqual({ version: 3, contentHash: 'hash-a' });
    });

    it('numbers each image and topic apart', async () => {
      const [first, second] = [randomDigest(), randomDigest()];
      await store.next(first, ANCESTRY, 'hash-a');
      await store.next(first, ANCESTRY, 'hash-b');

      expect(await store.next(first, COMPARISON, 'hash-a')).toBe(1);
      expect(await store.next(second, ANCESTRY, 'hash-a')).toBe(1);
    });

    it('numbers concurrent writers without gaps', async () => {
      const image = randomDigest();
      const hashes = Array.from({ length: 10 }, (_, i) => `hash-${i}`);

      const versions = await Promise.all(hashes.map((hash) => store.next(image, ANCESTRY, hash)));

      const sorted = versions.filter((version) => version !== null).sort((a, b) => a - b);
      expect(sorted).toEqual(hashes.map((_, i) => i + 1));
      const last = hashes[versions.indexOf(hashes.length)];
      expect(await store.current(image, ANCESTRY)).toEqual({ version: 10, contentHash: last });
    });

    it('versions concurrent equal content once', async () => {
      const image = randomDigest();

      const versions = await Promise.all(
        Array.from({ length: 6 }, () => store.next(image, ANCESTRY, 'hash-a')),
      );

      expect(versions.filter((version) => version !== null)).toEqual([1]);
    });
  });
}
