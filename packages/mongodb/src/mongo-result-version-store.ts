import { StrataError } from '@strata/core';
import type { Digest, RecordedResultVersion, ResultVersionStore } from '@strata/core';
import type { Collection, MongoClient } from 'mongodb';
import { isDuplicateKeyError, toStrataError } from './mongo-errors.ts';

export interface MongoResultVersionStoreOptions {
  client: MongoClient;
  database: string;
  /** Collection name. Default `resultVersions`. */
  collection?: string;
  /** Whether `close()` closes the client too. Default false. */
  ownsClient?: boolean;
  /** Versions kept per image and topic besides the latest; older ones are deleted. Default 2. */
  keepPrevious?: number;
}

/** One recorded version; `_id` is `<topic>/<image digest>/<version, 12 digits>`. */
interface ResultVersionDocument {
  _id: string;
  imageDigest: string;
  topic: string;
  version: number;
  contentHash: string;
}

/** Max insert attempts of one `next` against concurrent writers. */
const MAX_ATTEMPTS = 16;
const VERSION_DIGITS = 12;

/**
 * Result versions in MongoDB or FerretDB, one document per version. A new version is claimed by
 * inserting its `_id`, and the unique `_id` index lets exactly one writer claim it. FerretDB 1.x
 * does not apply conditional updates atomically (two `replaceOne` calls filtered on the same
 * previous version can both match), but it does reject a duplicate `_id`.
 */
export class MongoResultVersionStore implements ResultVersionStore {
  readonly #client: MongoClient;
  readonly #versions: Collection<ResultVersionDocument>;
  readonly #ownsClient: boolean;
  readonly #keepPrevious: number;

  constructor(options: MongoResultVersionStoreOptions) {
    this.#client = options.client;
    this.#versions = options.client
      .db(options.database)
      .collection<ResultVersionDocument>(options.collection ?? 'resultVersions');
    this.#ownsClient = options.ownsClient ?? false;
    this.#keepPrevious = Math.max(1, options.keepPrevious ?? 2);
  }

  async next(imageDigest: Digest, topic: string, contentHash: string): Promise<number | null> {
    try {
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
        const latest = await this.#latest(imageDigest, topic);
        if (latest?.contentHash === contentHash) {
          return null;
        }

        const version = (latest?.version ?? 0) + 1;
        if (await this.#claim({ imageDigest, topic, version, contentHash })) {
          await this.#prune(imageDigest, topic, version);
          return version;
        }
      }
    } catch (error) {
      throw toStrataError(error, 'next result version', this.#client, { imageDigest, topic });
    }

    throw new StrataError(
      'CONFLICT',
      `result version of ${imageDigest} on ${topic} kept changing`,
      {
        retryable: true,
        details: { imageDigest, topic, attempts: MAX_ATTEMPTS },
      },
    );
  }

  async current(imageDigest: Digest, topic: string): Promise<RecordedResultVersion | null> {
    try {
      const latest = await this.#latest(imageDigest, topic);

      return latest === null ? null : { version: latest.version, contentHash: latest.contentHash };
    } catch (error) {
      throw toStrataError(error, 'current result version', this.#client, { imageDigest, topic });
    }
  }

  async close(): Promise<void> {
    if (this.#ownsClient) {
      await this.#client.close();
    }
  }

  #latest(imageDigest: Digest, topic: string): Promise<ResultVersionDocument | null> {
    return this.#versions.findOne(idRange(imageDigest, topic), { sort: { _id: -1 } });
  }

  /**
   * Inserts a version; returns false when another writer inserted it first. Pruning deletes
   * versions more than `keepPrevious` behind the latest, so a writer that read the latest version
   * long ago could insert a number that existed before. Such a claim is withdrawn: it counts only
   * while the latest version is at most `keepPrevious` ahead of it.
   */
  async #claim(version: Omit<ResultVersionDocument, '_id'>): Promise<boolean> {
    const _id = versionId(version.imageDigest, version.topic, version.version);
    try {
      await this.#versions.insertOne({ _id, ...version });
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        return false;
      }

      throw error;
    }

    const latest = await this.#latest(version.imageDigest, version.topic);
    if (latest !== null && latest.version > version.version + this.#keepPrevious) {
      await this.#versions.deleteOne({ _id, contentHash: version.contentHash });
      return false;
    }

    return true;
  }

  async #prune(imageDigest: Digest, topic: string, latest: number): Promise<void> {
    const oldest = latest - this.#keepPrevious;
    if (oldest <= 1) {
      return;
    }

    const { _id } = idRange(imageDigest, topic);
    await this.#versions.deleteMany({
      _id: { $gte: _id.$gte, $lt: versionId(imageDigest, topic, oldest) },
    });
  }
}

function versionId(imageDigest: Digest, topic: string, version: number): string {
  return `${topic}/${imageDigest}/${String(version).padStart(VERSION_DIGITS, '0')}`;
}

/** Matches every version document of one image and topic: `/` sorts right before `0`. */
function idRange(imageDigest: Digest, topic: string) {
  const prefix = `${topic}/${imageDigest}/`;

  return { _id: { $gte: prefix, $lt: `${prefix.slice(0, -1)}0` } };
}
