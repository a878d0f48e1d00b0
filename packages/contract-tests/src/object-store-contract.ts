import type { ObjectStore } from '@strata/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContractFactory, ContractFixture } from './fixtures.ts';
import { collect } from './fixtures.ts';

const JSON_TYPE = 'application/json';

/** Cases every `ObjectStore` passes; `factory` gives each test an empty bucket of its own. */
export function objectStoreContract(name: string, factory: ContractFactory<ObjectStore>): void {
  describe(`${name} object store`, () => {
    let fixture: ContractFixture<ObjectStore>;
    let store: ObjectStore;

    beforeEach(async () => {
      fixture = await factory();
      store = fixture.subject;
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    it('returns null for a missing key', async () => {
      expect(await store.get('analyses/missing.json')).toBeNull();
    });

    it('reads back the bytes written', async () => {
      const body = Uint8Array.from([0, 1, 2, 250, 255, 10, 13]);
      await store.put('blobs/binary', body, 'application/octet-stream');

      expect(await store.get('blobs/binary')).toEqual(body);
    });

    it('stores an empty object', async () => {
      await store.put('empty', new Uint8Array(0), JSON_TYPE);

      expect(await store.get('empty')).toEqual(new Uint8Array(0));
    });

    it('overwrites an object', async () => {
      await store.put('analyses/a.json', Buffer.from('{"v":1}'), JSON_TYPE);
      await store.put('analyses/a.json', Buffer.from('{"v":2}'), JSON_TYPE);

      const body = await store.get('analyses/a.json');

      expect(Buffer.from(body ?? []).toString()).toBe('{"v":2}');
    });

    it('deletes an object and ignores a missing one', async () => {
      await store.put('analyses/a.json', Buffer.from('{}'), JSON_TYPE);

      await store.delete('analyses/a.json');
      await store.delete('analyses/never-written.json');

      expect(await store.get('analyses/a.json')).toBeNull();
    });

    it('lists keys by prefix in ascending order', async () => {
      const keys = ['archive/b/2', 'archive/a/1', 'archive/b/10', 'archived', 'other/a'];
      for (const key of keys) {
        await store.put(key, Buffer.from(key), 'text/plain');
      }

      expect(await collect(store.list('archive/'))).toEqual([
        'archive/a/1',
        'archive/b/10',
        'archive/b/2',
      ]);
      expect(await collect(store.list('archive'))).toHaveLength(4);
      expect(await collect(store.list('none/'))).toEqual([]);
    });

    it('lists more keys than one page holds', async () => {
      const keys = Array.from({ length: 1100 }, (_, i) => `many/${String(i).padStart(5, '0')}`);
      for (let start = 0; start < keys.length; start += 50) {
        const chunk = keys.slice(start, start + 50);
        await Promise.all(chunk.map((key) => store.put(key, new Uint8Array(1), 'text/plain')));
      }

      expect(await collect(store.list('many/'))).toEqual(keys);
    });
  });
}
