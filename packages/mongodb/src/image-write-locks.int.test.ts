import { randomDigest, uniqueName } from '@strata/contract-tests';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ImageWriteLocks } from './image-write-locks.ts';
import type { LockDocument } from './image-write-locks.ts';
import { useTestDatabase } from './test-database.ts';

const testDatabase = useTestDatabase();

describe('ImageWriteLocks', () => {
  it('takes over an expired lock', async () => {
    const collection = testDatabase.db().collection<LockDocument>(uniqueName('locks'));
    const digest = randomDigest();
    await collection.insertOne({ _id: digest, owner: 'crashed', expiresAt: new Date(0) });
    const locks = new ImageWriteLocks(collection, { maxWaitMs: 5000 });

    const result = await locks.withLock(digest, () => Promise.resolve('done'));

    expect(result).toBe('done');
    expect(await collection.countDocuments({ _id: digest })).toBe(0);
  });

  it('admits one holder after a crashed one', async () => {
    // Twelve writers find the same expired lock at once. Each round starts from a new one.
    let holders = 0;
    let maxHolders = 0;
    const hold = async () => {
      holders += 1;
      maxHolders = Math.max(maxHolders, holders);
      await delay(20);
      holders -= 1;
    };
    for (let round = 0; round < 20; round += 1) {
      const collection = testDatabase.db().collection<LockDocument>(uniqueName('locks'));
      const digest = randomDigest();
      await collection.insertOne({ _id: digest, owner: 'crashed', expiresAt: new Date(0) });
      const writers = Array.from({ length: 12 }, () => new ImageWriteLocks(collection));

      await Promise.all(writers.map((locks) => locks.withLock(digest, hold)));

      expect(await collection.countDocuments({})).toBe(0);
    }

    expect(maxHolders).toBe(1);
  });

  it('times out on a live lock', async () => {
    const collection = testDatabase.db().collection<LockDocument>(uniqueName('locks'));
    const digest = randomDigest();
    const expiresAt = new Date(Date.now() + 60_000);
    await collection.insertOne({ _id: digest, owner: 'busy', expiresAt });
    const locks = new ImageWriteLocks(collection, { maxWaitMs: 300 });

    const waiting = locks.withLock(digest, () => Promise.resolve('never'));

    await expect(waiting).rejects.toMatchObject({ code: 'CONFLICT', retryable: true });
    expect((await collection.findOne({ _id: digest }))?.owner).toBe('busy');
  });

  it('keeps the lock of a live holder past its lease', async () => {
    const collection = testDatabase.db().collection<LockDocument>(uniqueName('locks'));
    const digest = randomDigest();
    const writers = [0, 1].map(() => new ImageWriteLocks(collection, { leaseMs: 300 }));
    const spans: { start: number; end: number }[] = [];
    const hold = (ms: number) => async () => {
      const span = { start: Date.now(), end: 0 };
      spans.push(span);
      await delay(ms);
      span.end = Date.now();
    };

    const first = writers[0]?.withLock(digest, hold(1500));
    await delay(100);
    const second = writers[1]?.withLock(digest, hold(10));
    await Promise.all([first, second]);

    expect(spans).toHaveLength(2);
    expect(spans[1]?.start).toBeGreaterThanOrEqual(spans[0]?.end ?? Infinity);
  });

  it('releases the lock when the action fails', async () => {
    const collection = testDatabase.db().collection<LockDocument>(uniqueName('locks'));
    const digest = randomDigest();
    const locks = new ImageWriteLocks(collection);

    const failing = locks.withLock(digest, () => Promise.reject(new Error('action failed')));

    await expect(failing).rejects.toThrow('action failed');
    expect(await collection.countDocuments({ _id: digest })).toBe(0);
  });
});
