import { randomDigest, resultVersionStoreContract } from '@strata/contract-tests';
import { MongoServerError } from 'mongodb';
import type { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { DUPLICATE_KEY } from './mongo-errors.ts';
import { MongoResultVersionStore } from './mongo-result-version-store.ts';

type Document = Record<string, unknown> & { _id: string };
type Filter = Record<string, unknown>;

/**
 * A collection in memory with MongoDB's single-document semantics: each operation is atomic,
 * `_id` is unique, and a filter matches on equality of every key. Each call first yields to the
 * event loop, so concurrent callers interleave between their reads and writes.
 */
class FakeCollection {
  readonly documents = new Map<string, Document>();
  /** Filters of every read, replace and delete, in call order. */
  readonly filters: Filter[] = [];
  /** Whether `replaceOne` without upsert matches nothing, as if another writer always won. */
  loseReplaces = false;

  async findOne(filter: Filter): Promise<Document | null> {
    await this.#enter(filter);
    const found = this.#match(filter);

    return found === undefined ? null : { ...found };
  }

  async insertOne(document: Document): Promise<{ insertedId: string }> {
    await this.#enter(null);
    if (this.documents.has(document._id)) {
      throw new MongoServerError({ code: DUPLICATE_KEY, errmsg: 'E11000 duplicate key error' });
    }

    this.documents.set(document._id, { ...document });
    return { insertedId: document._id };
  }

  async replaceOne(
    filter: Filter,
    replacement: Filter,
    options: { upsert?: boolean } = {},
  ): Promise<{ matchedCount: number; upsertedCount: number }> {
    await this.#enter(filter);
    const found = this.loseReplaces && options.upsert !== true ? undefined : this.#match(filter);
    if (found !== undefined) {
      this.documents.set(found._id, { ...replacement, _id: found._id });
      return { matchedCount: 1, upsertedCount: 0 };
    }

    if (options.upsert === true && typeof filter._id === 'string') {
      this.documents.set(filter._id, { ...replacement, _id: filter._id });
      return { matchedCount: 0, upsertedCount: 1 };
    }

    return { matchedCount: 0, upsertedCount: 0 };
  }

  async deleteOne(filter: Filter): Promise<{ deletedCount: number }> {
    await this.#enter(filter);
    const found = this.#match(filter);
    if (found !== undefined) {
      this.documents.delete(found._id);
    }

    return { deletedCount: found === undefined ? 0 : 1 };
  }

  async #enter(filter: Filter | null): Promise<void> {
    if (filter !== null) {
      this.filters.push(filter);
    }

    await new Promise((resolve) => setImmediate(resolve));
  }

  #match(filter: Filter): Document | undefined {
    return [...this.documents.values()].find((document) =>
      Object.entries(filter).every(([key, value]) => document[key] === value),
    );
  }
}

/** Creates a client whose databases hand out fake collections by name. */
function fakeClient(): { client: MongoClient; collections: Map<string, FakeCollection> } {
  const collections = new Map<string, FakeCollection>();
  const collection = (name: string) => {
    const existing = collections.get(name) ?? new FakeCollection();
    collections.set(name, existing);
    return existing;
  };
  const client = {
    db: () => ({ collection }),
    options: { hosts: ['fake:27017'] },
    close: () => Promise.resolve(),
  };

  return { client: client as unknown as MongoClient, collections };
}

function fixtureOf(lockWrites: boolean) {
  const { client } = fakeClient();
  const subject = new MongoResultVersionStore({ client, database: 'strata', lockWrites });

  return Promise.resolve({ subject, cleanup: () => subject.close() });
}

resultVersionStoreContract('MongoDB with conditional writes, fake collection', () =>
  fixtureOf(false),
);
resultVersionStoreContract('MongoDB with write locks, fake collection', () => fixtureOf(true));

describe('MongoResultVersionStore', () => {
  // Sixteen is the max attempts of a conditional `next`, so every writer succeeds.
  it.each([false, true])('numbers 16 concurrent writers 1 to 16, locks %s', async (lockWrites) => {
    const { client } = fakeClient();
    const store = new MongoResultVersionStore({ client, database: 'strata', lockWrites });
    const image = randomDigest();
    const hashes = Array.from({ length: 16 }, (_, i) => `hash-${i}`);

    const versions = await Promise.all(hashes.map((hash) => store.next(image, 'topic', hash)));

    expect([...versions].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(hashes.map((_, i) => i + 1));
  });

  it('stores one document per image and topic', async () => {
    const { client, collections } = fakeClient();
    const store = new MongoResultVersionStore({ client, database: 'strata' });
    const image = randomDigest();

    for (let i = 1; i <= 5; i += 1) {
      await store.next(image, 'image.ancestry', `hash-${i}`);
    }
    await store.next(image, 'image.ancestry#published', 'hash-5');

    const documents = [...(collections.get('resultHeads')?.documents.values() ?? [])];
    expect(documents).toEqual([
      {
        _id: `image.ancestry/${image}`,
        imageDigest: image,
        topic: 'image.ancestry',
        version: 5,
        contentHash: 'hash-5',
      },
      {
        _id: `image.ancestry#published/${image}`,
        imageDigest: image,
        topic: 'image.ancestry#published',
        version: 1,
        contentHash: 'hash-5',
      },
    ]);
  });

  it('filters on _id alone with write locks', async () => {
    const { client, collections } = fakeClient();
    const store = new MongoResultVersionStore({ client, database: 'strata', lockWrites: true });
    const image = randomDigest();

    await Promise.all(['a', 'b', 'c'].map((hash) => store.next(image, 'topic', hash)));
    await store.current(image, 'topic');

    const filters = collections.get('resultHeads')?.filters ?? [];
    expect(filters.length).toBeGreaterThan(0);
    for (const filter of filters) {
      expect(Object.keys(filter)).toEqual(['_id']);
      expect(filter._id).toBe(`topic/${image}`);
    }
    expect(collections.get('resultHeadsLocks')?.documents.size).toBe(0);
  });

  it('raises a retryable CONFLICT when every replace loses', async () => {
    const { client, collections } = fakeClient();
    const store = new MongoResultVersionStore({ client, database: 'strata' });
    const image = randomDigest();
    await store.next(image, 'topic', 'hash-a');
    const heads = collections.get('resultHeads');
    if (heads !== undefined) {
      heads.loseReplaces = true;
    }

    const next = store.next(image, 'topic', 'hash-b');

    await expect(next).rejects.toMatchObject({ code: 'CONFLICT', retryable: true });
    expect(await store.current(image, 'topic')).toEqual({ version: 1, contentHash: 'hash-a' });
  });
});
