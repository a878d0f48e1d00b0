import { StrataError } from '@strata/core';
import type { Digest, RecordedResultVersion, ResultVersionStore } from '@strata/core';
import type { Collection, MongoClient } from 'mongodb';
import { ImageWriteLocks } from './image-write-locks.ts';
import type { LockDocument } from './image-write-locks.ts';
import { isDuplicateKeyError, toStrataError } from './mongo-errors.ts';

export interface MongoResultVersionStoreOptions {
  client: MongoClient;
  database: string;
  /** Collection name. Default `resultHeads`. */
  collection?: string;
  /** Whether `close()` closes the client too. Default false. */
  ownsClient?: boolean;
  /**
   * Serializes `next` per image and topic through a lock document (collection
   * `<collection>Locks`) and writes without conditions. Needed on FerretDB 1.x, whose
   * conditional updates are not atomic (see `isFerretDb`). On MongoDB the conditional writes
   * alone are correct. Default false. `createResultVersionStore` sets it from the server.
   */
  lockWrites?: boolean;
}

/** The latest version of one result, with `_id` `<topic>/<image digest>`. */
interface ResultHeadDocument {
  _id: string;
  imageDigest: string;
  topic: string;
  version: number;
  contentHash: string;
}

/**
 * Max conditional writes of one `next` without `lockWrites`. A write fails only when another
 * `next` advanced the head in between, so up to this many concurrent writers of one head all
 * succeed.
 */
const MAX_ATTEMPTS = 16;

/**
 * Result versions in MongoDB or FerretDB, one document per image and topic with the latest
 * version. Every read and write of a head filters on `_id` alone, except the conditional replace
 * without `lockWrites`, which adds the previous version. FerretDB 1.24 on SQLite pushes a filter
 * down to SQLite only when its one key is `_id` with a string or ObjectId value, and reads the
 * whole collection for any other filter (`Query` in `internal/backends/sqlite/collection.go`).
 */
export class MongoResultVersionStore implements ResultVersionStore {
  readonly #client: MongoClient;
  readonly #heads: Collection<ResultHeadDocument>;
  readonly #ownsClient: boolean;
  readonly #locks: ImageWriteLocks | null;
  /** Whether `next` runs under a lock document per image and topic (`lockWrites`). */
  readonly lockWrites: boolean;

  constructor(options: MongoResultVersionStoreOptions) {
    const database = options.client.db(options.database);
    const collection = options.collection ?? 'resultHeads';
    this.#client = options.client;
    this.#heads = database.collection<ResultHeadDocument>(collection);
    this.#ownsClient = options.ownsClient ?? false;
    this.lockWrites = options.lockWrites ?? false;
    this.#locks = this.lockWrites
      ? new ImageWriteLocks(database.collection<LockDocument>(`${collection}Locks`))
      : null;
  }

  async next(imageDigest: Digest, topic: string, contentHash: string): Promise<number | null> {
    const head = { imageDigest, topic, contentHash };
    const locks = this.#locks;
    try {
      if (locks === null) {
        return await this.#nextConditional(head);
      }

      const ids = { imageDigest, topic };
      return await locks.withLock(headId(imageDigest, topic), () => this.#nextLocked(head), ids);
    } catch (error) {
      throw toStrataError(error, 'next result version', this.#client, { imageDigest, topic });
    }
  }

  async current(imageDigest: Digest, topic: string): Promise<RecordedResultVersion | null> {
    try {
      const head = await this.#heads.findOne({ _id: headId(imageDigest, topic) });

      return head === null ? null : { version: head.version, contentHash: head.contentHash };
    } catch (error) {
      throw toStrataError(error, 'current result version', this.#client, { imageDigest, topic });
    }
  }

  async close(): Promise<void> {
    if (this.#ownsClient) {
      await this.#client.close();
    }
  }

  /**
   * Inserts version 1, or replaces the head only while it still has the version read before.
   * On MongoDB both writes are atomic, so of two concurrent writers exactly one advances each
   * version and the other reads again.
   */
  async #nextConditional(head: NewHead): Promise<number | null> {
    const _id = headId(head.imageDigest, head.topic);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const latest = await this.#heads.findOne({ _id });
      if (latest?.contentHash === head.contentHash) {
        return null;
      }

      const version = (latest?.version ?? 0) + 1;
      if (await this.#advance(_id, latest?.version ?? null, { ...head, version })) {
        return version;
      }
    }

    throw new StrataError(
      'CONFLICT',
      `result version of ${head.imageDigest} on ${head.topic} kept changing`,
      {
        retryable: true,
        details: { imageDigest: head.imageDigest, topic: head.topic, attempts: MAX_ATTEMPTS },
      },
    );
  }

  /** Writes `next` over the head of version `previous`; returns false when another writer won. */
  async #advance(
    _id: string,
    previous: number | null,
    next: Omit<ResultHeadDocument, '_id'>,
  ): Promise<boolean> {
    if (previous !== null) {
      const { matchedCount } = await this.#heads.replaceOne({ _id, version: previous }, next);
      return matchedCount === 1;
    }

    try {
      await this.#heads.insertOne({ _id, ...next });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        return false;
      }

      throw error;
    }
  }

  /** Reads and writes the head by `_id` alone. The caller holds the lock of this head. */
  async #nextLocked(head: NewHead): Promise<number | null> {
    const _id = headId(head.imageDigest, head.topic);
    const latest = await this.#heads.findOne({ _id });
    if (latest?.contentHash === head.contentHash) {
      return null;
    }

    const version = (latest?.version ?? 0) + 1;
    await this.#heads.replaceOne({ _id }, { ...head, version }, { upsert: true });
    return version;
  }
}

/** Fields of a head before its version is known. */
type NewHead = Omit<ResultHeadDocument, '_id' | 'version'>;

/** Kafka topic names contain no `/`, so the `_id` of two heads never collide. */
function headId(imageDigest: Digest, topic: string): string {
  return `${topic}/${imageDigest}`;
}
