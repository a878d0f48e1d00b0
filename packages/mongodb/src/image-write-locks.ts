import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { StrataError } from '@strata/core';
import type { Collection } from 'mongodb';
import { isDuplicateKeyError } from './mongo-errors.ts';

interface LockDocument {
  /** Lock key, such as an image digest, or `<topic>/<image digest>` for a result version. */
  _id: string;
  owner: string;
  expiresAt: Date;
}

export interface ImageWriteLocksOptions {
  /**
   * Time after which a lock whose holder stopped renewing it may be taken over. A live holder
   * renews it every third of this time. Default 30000 ms.
   */
  leaseMs?: number;
  /** Max time to wait for a lock before failing with a retryable CONFLICT. Default 60000 ms. */
  maxWaitMs?: number;
  /** Current time in milliseconds since the epoch. Default `Date.now`. */
  clock?: () => number;
}

/**
 * Write locks per key (an image, or an image and result topic) for servers whose conditional
 * updates are not atomic, such as FerretDB 1.x. Taking a lock inserts a document whose `_id`
 * is the key: the unique `_id` index admits one holder, which every MongoDB-wire server enforces
 * atomically. A crashed holder's lock expires.
 *
 * NOTE: a takeover marker (`<key>#takeover:<owner>:<generation>`) stays in the collection when
 * its writer crashes during the takeover. It only costs one document.
 */
export class ImageWriteLocks {
  readonly #locks: Collection<LockDocument>;
  readonly #leaseMs: number;
  readonly #maxWaitMs: number;
  readonly #clock: () => number;

  constructor(locks: Collection<LockDocument>, options: ImageWriteLocksOptions = {}) {
    this.#locks = locks;
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#maxWaitMs = options.maxWaitMs ?? 60_000;
    this.#clock = options.clock ?? Date.now;
  }

  /**
   * Runs `action` while holding the lock of `key`, and releases it afterwards. `details` go
   * into the CONFLICT raised when the wait times out. Default `{ imageDigest: key }`.
   */
  async withLock<T>(
    key: string,
    action: () => Promise<T>,
    details: Record<string, unknown> = { imageDigest: key },
  ): Promise<T> {
    const owner = randomUUID();
    await this.#acquire(key, owner, details);
    const stopRenewing = this.#renewWhileHeld(key, owner);
    try {
      return await action();
    } finally {
      stopRenewing();
      await this.#locks.deleteOne({ _id: key, owner });
    }
  }

  /**
   * Extends the lease of a held lock every third of the lease, so that a holder that waits long,
   * for example for a nested lock, keeps its lock while it runs. A holder that crashed stops
   * renewing, and its lock expires. A failed renewal is tried again at the next interval.
   * Returns the function that stops renewing.
   */
  #renewWhileHeld(key: string, owner: string): () => void {
    let renewing = false;
    const renew = async () => {
      if (renewing) {
        return;
      }

      renewing = true;
      try {
        const expiresAt = new Date(this.#clock() + this.#leaseMs);
        await this.#locks.updateOne({ _id: key, owner }, { $set: { expiresAt } });
      } catch {
        // The next interval tries again, and the lease only runs out if every renewal fails.
      } finally {
        renewing = false;
      }
    };
    const timer = setInterval(() => void renew(), Math.max(1, Math.floor(this.#leaseMs / 3)));
    timer.unref();

    return () => clearInterval(timer);
  }

  async #acquire(key: string, owner: string, details: Record<string, unknown>): Promise<void> {
    const deadline = this.#clock() + this.#maxWaitMs;
    for (let attempt = 0; this.#clock() < deadline; attempt += 1) {
      if (await this.#tryInsert(key, owner)) {
        return;
      }

      const current = await this.#locks.findOne({ _id: key });
      const expired = current !== null && this.#isExpired(current);
      if (expired && (await this.#deleteExpired(key, current.owner))) {
        continue;
      }

      await delay(Math.min(200, 5 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random()));
    }

    throw new StrataError('CONFLICT', `timed out waiting for the write lock of ${key}`, {
      retryable: true,
      details: { ...details, maxWaitMs: this.#maxWaitMs },
    });
  }

  /**
   * Deletes the expired lock of `owner` on `key`, or returns false while another writer does.
   * FerretDB 1.x runs a filtered delete as a read and then a delete by `_id`, so two writers that
   * delete one expired lock at once can also delete the lock a third writer took in between.
   * Only the writer that inserts the takeover marker of that lock deletes it. A marker whose
   * writer crashed expires, and the next generation of the marker takes over.
   */
  async #deleteExpired(key: string, owner: string): Promise<boolean> {
    for (let generation = 0; ; generation += 1) {
      const marker = `${key}#takeover:${owner}:${generation}`;
      if (await this.#tryInsert(marker, randomUUID())) {
        await this.#locks.deleteOne({ _id: key, owner });
        // Deleting the marker is safe once the expired lock is gone: a later takeover of the
        // same owner's lock matches no document, because every lock has an owner of its own.
        await this.#locks.deleteOne({ _id: marker });
        return true;
      }

      const existingMarker = await this.#locks.findOne({ _id: marker });
      if (existingMarker === null) {
        return true;
      }

      if (!this.#isExpired(existingMarker)) {
        return false;
      }
    }
  }

  #isExpired(lock: LockDocument): boolean {
    return lock.expiresAt.getTime() <= this.#clock();
  }

  async #tryInsert(key: string, owner: string): Promise<boolean> {
    const expiresAt = new Date(this.#clock() + this.#leaseMs);
    try {
      await this.#locks.insertOne({ _id: key, owner, expiresAt });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        return false;
      }

      throw error;
    }
  }
}

export type { LockDocument };
