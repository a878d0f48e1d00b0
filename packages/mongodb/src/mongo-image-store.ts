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
import { AtomicNodeWriter, LockedNodeWriter } from './chain-node-writer.ts';
import type { ChainNodeDocument, ChainNodeWriter } from './chain-node-writer.ts';
import { ChainTree, STORED_CHAINS } from './chain-tree.ts';
import type { StoredChains } from './chain-tree.ts';
import { checkDocumentSize, fromImageDocument, toImageDocument } from './image-document.ts';
import type { ImageDocument } from './image-document.ts';
import { ImageWriteLocks } from './image-write-locks.ts';
import type { LockDocument } from './image-write-locks.ts';
import { ImageUpserts } from './image-upserts.ts';
import { toStrataError } from './mongo-errors.ts';

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

/** Max digests per `$in` query of `getMany`. */
const MAX_DIGESTS_PER_QUERY = 1000;
/** Max `_id` lookups in flight for one `getMany` with `pointReads`. */
const POINT_READ_CONCURRENCY = 16;

/** Max images that `rebuildDescendantIndex` adds to the chain tree at the same time. */
const REBUILD_CONCURRENCY = 16;

/** Index of the images collection: analysis time, for replay. */
const IMAGE_INDEXES = [{ key: { analyzedAt: 1 }, name: 'analyzedAt' }] as const;

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
 * A chain tree in `<collection>Chains` (see `ChainTree`) serves `findDescendants` with `_id`
 * reads only, which FerretDB 1.24 on SQLite looks up by primary key instead of scanning.
 */
export class MongoImageStore implements ImageStore {
  readonly #client: MongoClient;
  readonly #images: Collection<ImageDocument>;
  readonly #tree: ChainTree;
  readonly #upserts: ImageUpserts;
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
    const nodes = database.collection<ChainNodeDocument>(`${collection}Chains`);
    const writer: ChainNodeWriter = this.lockWrites
      ? new LockedNodeWriter(
          nodes,
          new ImageWriteLocks(database.collection<LockDocument>(`${collection}ChainsLocks`)),
        )
      : new AtomicNodeWriter(nodes);
    this.#tree = new ChainTree(nodes, writer);
    this.#upserts = new ImageUpserts(this.#images, this.#tree);
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
   * Inserts the record, or replaces a stored record with an older analysis time, then adds the
   * image to the chain tree (see `ImageUpserts`). Throws `LIMIT_EXCEEDED` when the record is over
   * the 16 MiB a document may have.
   */
  async upsert(record: ImageRecord): Promise<UpsertOutcome> {
    const document = toImageDocument(record);
    checkDocumentSize(document);

    return this.#exclusive('upsert', document._id, () =>
      this.#locks === null ? this.#upserts.conditional(document) : this.#upserts.locked(document),
    );
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
   * Streams descendants, each once and in no fixed order, by walking the chain tree below the
   * node of `chainId` with `_id` reads.
   */
  findDescendants(kind: ChainKind, chainId: Digest, layerCount: number): AsyncIterable<Digest> {
    if (!Number.isInteger(layerCount) || layerCount < 1) {
      return failing(invalidLayerCount(layerCount));
    }

    const descendants = this.#tree.descendants(kind, chainId, layerCount);

    return this.#stream('findDescendants', { chainId }, descendants, (digest) => digest);
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

  /**
   * Removes the image from the chain tree, then deletes it. A crash in between leaves the image
   * stored but missing from the tree until the delete runs again.
   */
  delete(digest: Digest): Promise<ImageRecord | null> {
    return this.#exclusive('delete', digest, async () => {
      const stored = await this.#images.findOne({ _id: digest }, { projection: STORED_CHAINS });
      if (stored === null) {
        return null;
      }

      await this.#tree.removeImage(stored);
      const document = await this.#images.findOneAndDelete({ _id: digest });

      return document === null ? null : fromImageDocument(document);
    });
  }

  /**
   * Adds every stored image to the chain tree and returns the number of images. Images stored
   * before the tree existed are found by `findDescendants` only after this. Adding is idempotent,
   * so it can run again, also while workers write. `onImage` is called once per image done.
   */
  rebuildDescendantIndex(onImage?: () => void): Promise<number> {
    return this.#run('rebuildDescendantIndex', {}, async () => {
      const cursor = this.#images.find({}, { projection: STORED_CHAINS }).batchSize(500);
      let images = 0;
      let group: StoredChains[] = [];
      const flush = async () => {
        await Promise.all(group.map((stored) => this.#rebuildImage(stored, onImage)));
        images += group.length;
        group = [];
      };
      for await (const stored of cursor) {
        group.push(stored);
        if (group.length >= REBUILD_CONCURRENCY) await flush();
      }
      await flush();

      return images;
    });
  }

  /** Adds one image to the tree. With locks, it reads the chains again under the image's lock. */
  async #rebuildImage(listed: StoredChains, onImage?: () => void): Promise<void> {
    const locks = this.#locks;
    if (locks === null) {
      await this.#tree.addImage(listed);
    } else {
      await locks.withLock(listed._id, async () => {
        const stored = await this.#images.findOne(
          { _id: listed._id },
          { projection: STORED_CHAINS },
        );
        if (stored !== null) await this.#tree.addImage(stored);
      });
    }
    onImage?.();
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

  async *#stream<T, R>(
    operation: string,
    details: Record<string, unknown>,
    source: AsyncIterable<T> & { close?(): Promise<void> },
    convert: (document: T) => R,
  ): AsyncIterable<R> {
    try {
      for await (const document of source) {
        yield convert(document);
      }
    } catch (error) {
      throw toStrataError(error, operation, this.#client, details);
    } finally {
      await source.close?.();
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
