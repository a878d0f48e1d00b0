import { StrataError, analysisTimeKey } from '@strata/core';
import type {
  ChainKind,
  Digest,
  ImageQuery,
  ImageRecord,
  ImageStore,
  UpsertOutcome,
} from '@strata/core';
import type { Collection, Filter, MongoClient } from 'mongodb';
import { checkDocumentSize, fromImageDocument, toImageDocument } from './image-document.ts';
import type { ImageDocument } from './image-document.ts';
import { ImageWriteLocks } from './image-write-locks.ts';
import type { LockDocument } from './image-write-locks.ts';
import { isDuplicateKeyError, toStrataError } from './mongo-errors.ts';

export interface MongoImageStoreOptions {
  client: MongoClient;
  /** Database name. */
  database: string;
  /** Collection name. Default `images`. */
  collection?: string;
  /** Whether `close()` closes the client too. Default false: the caller owns the client. */
  ownsClient?: boolean;
  /**
   * Serializes the writes of each image through a lock document (collection `<collection>Locks`).
   * Needed on FerretDB 1.x, whose conditional updates are not atomic (see `isFerretDb`); on
   * MongoDB the conditional writes alone are correct. Default false. `createImageStore` sets it
   * from the server.
   */
  lockWrites?: boolean;
  /**
   * Reads `getMany` as one `_id` lookup per digest, up to `POINT_READ_CONCURRENCY` at a time,
   * instead of one `$in` query. FerretDB 1.24 on SQLite pushes an `_id` equality down to its
   * primary key but scans the whole collection for `$in`. Default false. `createImageStore`
   * sets it from the server.
   */
  pointReads?: boolean;
}

/** Max attempts of one upsert against concurrent writers and deletes before it gives up. */
const MAX_UPSERT_ATTEMPTS = 8;
/** Max digests per `$in` query of `getMany`. */
const MAX_DIGESTS_PER_QUERY = 1000;
/** Max `_id` lookups in flight for one `getMany` with `pointReads`. */
const POINT_READ_CONCURRENCY = 16;

/** Indexes of the images collection: chain lists for descendants, analysis time for replay. */
const IMAGE_INDEXES = [
  { key: { blobChains: 1 }, name: 'blobChains' },
  { key: { diffIdChains: 1 }, name: 'diffIdChains' },
  { key: { analyzedAt: 1 }, name: 'analyzedAt' },
] as const;

function isNamespaceNotFound(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    ('codeName' in error ? error.codeName === 'NamespaceNotFound' : false)
  );
}

/**
 * The image store over MongoDB or FerretDB 1.x, without transactions, change streams or
 * aggregation. Every write is a conditional single-document write, which MongoDB applies
 * atomically, so concurrent workers and redeliveries stay correct. FerretDB 1.x needs `lockWrites`.
 */
export class MongoImageStore implements ImageStore {
  readonly #client: MongoClient;
  readonly #images: Collection<ImageDocument>;
  readonly #ownsClient: boolean;
  readonly #locks: ImageWriteLocks | null;
  /** Whether the writes of each image go through a lock document (`lockWrites`). */
  readonly lockWrites: boolean;
  /** Whether `getMany` reads one document per `_id` lookup (`pointReads`). */
  readonly pointReads: boolean;

  constructor(options: MongoImageStoreOptions) {
    const database = options.client.db(options.database);
    const collection = options.collection ?? 'images';
    this.#client = options.client;
    this.#images = database.collection<ImageDocument>(collection, { ignoreUndefined: true });
    this.#ownsClient = options.ownsClient ?? false;
    this.lockWrites = options.lockWrites ?? false;
    this.pointReads = options.pointReads ?? false;
    this.#locks = this.lockWrites
      ? new ImageWriteLocks(database.collection<LockDocument>(`${collection}Locks`))
      : null;
  }

  /**
   * Creates the indexes the queries need that do not exist yet; safe to call on every start.
   * Each index is created on its own because FerretDB 1.24 drops the connection when one
   * `createIndexes` command lists two or more indexes that all exist already.
   */
  async ensureIndexes(): Promise<void> {
    await this.#run('createIndexes', {}, async () => {
      const existing = await this.#existingIndexNames();
      for (const index of IMAGE_INDEXES) {
        if (!existing.has(index.name)) {
          await this.#images.createIndex(index.key, { name: index.name });
        }
      }
    });
  }

  async #existingIndexNames(): Promise<Set<string>> {
    try {
      const indexes = await this.#images.indexInformation();

      return new Set(Object.keys(indexes));
    } catch (error) {
      // A collection that does not exist yet has no indexes; MongoDB reports NamespaceNotFound.
      if (isNamespaceNotFound(error)) {
        return new Set();
      }
      throw error;
    }
  }

  /**
   * Inserts the record, or replaces a stored record with an older analysis time. The insert and
   * the replace are each atomic on one document and conditional, so of two writers the newer
   * analysis wins whatever the interleaving. A failed replace is classified by reading the stored
   * time, which never decreases while the document exists. Throws `LIMIT_EXCEEDED` when the
   * record is over the 16 MiB a document may have.
   */
  async upsert(record: ImageRecord): Promise<UpsertOutcome> {
    const document = toImageDocument(record);
    const details = { imageDigest: record.image.digest };
    checkDocumentSize(document);

    return this.#exclusive('upsert', document._id, async () => {
      for (let attempt = 1; attempt <= MAX_UPSERT_ATTEMPTS; attempt += 1) {
        if (await this.#insert(document)) {
          return 'inserted';
        }

        if (await this.#replaceOlder(document)) {
          return 'updated';
        }

        const stored = await this.#images.findOne(
          { _id: document._id },
          { projection: { analyzedAt: 1 } },
        );
        if (stored !== null && stored.analyzedAt >= document.analyzedAt) {
          return stored.analyzedAt === document.analyzedAt ? 'unchanged' : 'stale';
        }
        // Deleted, or its base mark changed, between the writes above: try again.
      }

      throw new StrataError('CONFLICT', `upsert of ${document._id} kept conflicting`, {
        retryable: true,
        details: { ...details, attempts: MAX_UPSERT_ATTEMPTS },
      });
    });
  }

  get(digest: Digest): Promise<ImageRecord | null> {
    return this.#run('get', { imageDigest: digest }, async () => {
      const document = await this.#images.findOne({ _id: digest });

      return document === null ? null : fromImageDocument(document);
    });
  }

  getMany(digests: readonly Digest[]): Promise<ImageRecord[]> {
    return this.#run('getMany', { count: digests.length }, async () => {
      const unique = [...new Set(digests)];
      if (this.pointReads) {
        return this.#readEach(unique);
      }

      const records: ImageRecord[] = [];
      for (let start = 0; start < unique.length; start += MAX_DIGESTS_PER_QUERY) {
        const chunk = unique.slice(start, start + MAX_DIGESTS_PER_QUERY);
        for await (const document of this.#images.find({ _id: { $in: chunk } })) {
          records.push(fromImageDocument(document));
        }
      }

      return records;
    });
  }
  async #readEach(digests: readonly Digest[]): Promise<ImageRecord[]> {
    const records: ImageRecord[] = [];
    let next = 0;
    const reader = async () => {
      for (let index = next++; index < digests.length; index = next++) {
        const document = await this.#images.findOne({ _id: digests[index] });
        if (document !== null) {
          records.push(fromImageDocument(document));
        }
      }
    };
    const readers = Math.min(POINT_READ_CONCURRENCY, digests.length);
    await Promise.all(Array.from({ length: readers }, reader));

    return records;
  }

  /**
   * Streams descendants in ascending digest order. The equality on the chain list uses its
   * multikey index. The positional conditions then keep the images that have the chain at that
   * position and more layers.
   */
  findDescendants(kind: ChainKind, chainId: Digest, layerCount: number): AsyncIterable<Digest> {
    if (!Number.isInteger(layerCount) || layerCount < 1) {
      return failing(invalidLayerCount(layerCount));
    }

    const field = kind === 'diffId' ? 'diffIdChains' : 'blobChains';
    const filter = {
      [field]: chainId,
      [`${field}.${layerCount - 1}`]: chainId,
      [`${field}.${layerCount}`]: { $exists: true },
    } as Filter<ImageDocument>;
    const cursor = this.#images.find(filter, { projection: { _id: 1 } }).sort({ _id: 1 });

    return this.#stream('findDescendants', { chainId }, cursor, (document) => document._id);
  }

  setMarkedBase(digest: Digest, marked: boolean): Promise<boolean> {
    return this.#exclusive('setMarkedBase', digest, async () => {
      const result = await this.#images.updateOne(
        { _id: digest },
        { $set: { markedBase: marked } },
      );

      return result.matchedCount === 1;
    });
  }

  delete(digest: Digest): Promise<ImageRecord | null> {
    return this.#exclusive('delete', digest, async () => {
      const document = await this.#images.findOneAndDelete({ _id: digest });

      return document === null ? null : fromImageDocument(document);
    });
  }

  list(query: ImageQuery = {}): AsyncIterable<ImageRecord> {
    const cursor = this.#images.find(listFilter(query)).sort({ _id: 1 }).batchSize(200);

    return this.#stream('list', {}, cursor, fromImageDocument);
  }

  count(): Promise<number> {
    return this.#run('count', {}, () => this.#images.countDocuments({}));
  }

  async close(): Promise<void> {
    if (this.#ownsClient) {
      await this.#client.close();
    }
  }

  /** Inserts a new document; returns false when one with that digest exists. */
  async #insert(document: ImageDocument): Promise<boolean> {
    try {
      await this.#images.insertOne(document);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        return false;
      }

      throw error;
    }
  }

  /**
   * Replaces the stored document when its analysis is older. A stored base mark survives: unless
   * the new record is marked itself, the first replace matches only marked documents and keeps the
   * mark, the second only unmarked ones.
   */
  async #replaceOlder(document: ImageDocument): Promise<boolean> {
    const older = { _id: document._id, analyzedAt: { $lt: document.analyzedAt } };
    if (document.markedBase) {
      return (await this.#images.replaceOne(older, document)).matchedCount === 1;
    }

    const keepMark = { ...document, markedBase: true };
    if ((await this.#images.replaceOne({ ...older, markedBase: true }, keepMark)).matchedCount) {
      return true;
    }

    const unmarked = await this.#images.replaceOne({ ...older, markedBase: false }, document);
    return unmarked.matchedCount === 1;
  }

  async *#stream<T, R>(
    operation: string,
    details: Record<string, unknown>,
    cursor: AsyncIterable<T> & { close(): Promise<void> },
    convert: (document: T) => R,
  ): AsyncIterable<R> {
    try {
      for await (const document of cursor) {
        yield convert(document);
      }
    } catch (error) {
      throw toStrataError(error, operation, this.#client, details);
    } finally {
      await cursor.close();
    }
  }

  /** Runs a write of one image, under its lock when `lockWrites` is set. */
  #exclusive<T>(operation: string, digest: Digest, action: () => Promise<T>): Promise<T> {
    const locks = this.#locks;
    const locked = locks === null ? action : () => locks.withLock(digest, action);

    return this.#run(operation, { imageDigest: digest }, locked);
  }

  async #run<T>(
    operation: string,
    details: Record<string, unknown>,
    action: () => Promise<T>,
  ): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw toStrataError(error, operation, this.#client, details);
    }
  }
}

function invalidLayerCount(layerCount: number): StrataError {
  return new StrataError('INTERNAL', `invalid layerCount ${layerCount}: expected 1 or more`, {
    details: { field: 'layerCount', value: layerCount },
  });
}

/** Returns an iterable whose first step rejects, so callers see the error where they iterate. */
function failing(error: Error): AsyncIterable<never> {
  return { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(error) }) };
}

function listFilter(query: ImageQuery): Filter<ImageDocument> {
  const filter: Filter<ImageDocument> = {};
  const analyzedAt: { $gte?: string; $lt?: string } = {};
  if (query.analyzedFrom !== undefined) {
    analyzedAt.$gte = analysisTimeKey(query.analyzedFrom);
  }
  if (query.analyzedTo !== undefined) {
    analyzedAt.$lt = analysisTimeKey(query.analyzedTo);
  }
  if (Object.keys(analyzedAt).length > 0) {
    filter.analyzedAt = analyzedAt;
  }

  const id: { $in?: string[]; $gt?: string } = {};
  if (query.digests !== undefined) {
    id.$in = [...query.digests];
  }
  if (query.afterDigest !== undefined) {
    id.$gt = query.afterDigest;
  }
  if (Object.keys(id).length > 0) {
    filter._id = id;
  }

  return filter;
}
