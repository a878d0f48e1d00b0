import { StrataError, analysisTimeKey } from '@strata/core';
import type {
  ChainKind,
  Digest,
  ImageQuery,
  ImageRecord,
  ImageStore,
  UpsertOutcome,
} from '@strata/core';

/**
 * The image store in process memory, for embedded runs and tests. Records are copied on the way
 * in and out, so callers never share state with the store.
 */
export class InMemoryImageStore implements ImageStore {
  readonly #images = new Map<Digest, ImageRecord>();

  upsert(record: ImageRecord): Promise<UpsertOutcome> {
    const newKey = analysisTimeKey(record.analyzedAt);
    const stored = this.#images.get(record.image.digest);
    if (stored === undefined) {
      this.#images.set(record.image.digest, structuredClone(record));
      return Promise.resolve('inserted');
    }

    const storedKey = analysisTimeKey(stored.analyzedAt);
    if (newKey === storedKey) {
      return Promise.resolve('unchanged');
    }

    if (newKey < storedKey) {
      return Promise.resolve('stale');
    }

    const replacement = structuredClone(record);
    replacement.markedBase = record.markedBase || stored.markedBase;
    this.#images.set(record.image.digest, replacement);
    return Promise.resolve('updated');
  }

  get(digest: Digest): Promise<ImageRecord | null> {
    const stored = this.#images.get(digest);

    return Promise.resolve(stored === undefined ? null : structuredClone(stored));
  }

  getMany(digests: readonly Digest[]): Promise<ImageRecord[]> {
    const found: ImageRecord[] = [];
    for (const digest of new Set(digests)) {
      const record = this.#images.get(digest);
      if (record !== undefined) {
        found.push(structuredClone(record));
      }
    }

    return Promise.resolve(found);
  }

  async *findDescendants(
    kind: ChainKind,
    chainId: Digest,
    layerCount: number,
  ): AsyncIterable<Digest> {
    if (!Number.isInteger(layerCount) || layerCount < 1) {
      throw new StrataError('INTERNAL', `invalid layerCount ${layerCount}: expected 1 or more`, {
        details: { field: 'layerCount', value: layerCount },
      });
    }

    // Insertion order, not digest order: the port promises no order.
    for (const [digest, record] of [...this.#images]) {
      const chains = kind === 'diffId' ? record.diffIdChains : record.blobChains;
      if (chains && chains.length > layerCount && chains[layerCount - 1] === chainId) {
        yield await Promise.resolve(digest);
      }
    }
  }

  /** Needs no rebuild, because `findDescendants` reads the records themselves. */
  rebuildDescendantIndex(onImage?: () => void): Promise<number> {
    for (let count = 0; count < this.#images.size; count += 1) onImage?.();

    return Promise.resolve(this.#images.size);
  }

  setMarkedBase(digest: Digest, marked: boolean): Promise<boolean> {
    const stored = this.#images.get(digest);
    if (stored === undefined) {
      return Promise.resolve(false);
    }

    stored.markedBase = marked;
    return Promise.resolve(true);
  }

  delete(digest: Digest): Promise<ImageRecord | null> {
    const stored = this.#images.get(digest);
    this.#images.delete(digest);

    return Promise.resolve(stored ?? null);
  }

  async *list(query: ImageQuery = {}): AsyncIterable<ImageRecord> {
    const matches = imageQueryFilter(query);
    for (const digest of this.#sortedDigests()) {
      const record = this.#images.get(digest);
      if (record !== undefined && matches(record)) {
        yield await Promise.resolve(structuredClone(record));
      }
    }
  }

  count(): Promise<number> {
    return Promise.resolve(this.#images.size);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  #sortedDigests(): Digest[] {
    return [...this.#images.keys()].sort();
  }
}

/** Builds the predicate of an `ImageQuery`, comparing analysis times as instants. */
function imageQueryFilter(query: ImageQuery): (record: ImageRecord) => boolean {
  const fromKey = query.analyzedFrom === undefined ? null : analysisTimeKey(query.analyzedFrom);
  const toKey = query.analyzedTo === undefined ? null : analysisTimeKey(query.analyzedTo);
  const digests = query.digests === undefined ? null : new Set(query.digests);

  return (record) => {
    const digest = record.image.digest;
    const key = analysisTimeKey(record.analyzedAt);
    if (query.afterDigest !== undefined && digest <= query.afterDigest) {
      return false;
    }

    if (digests !== null && !digests.has(digest)) {
      return false;
    }

    return (fromKey === null || key >= fromKey) && (toKey === null || key < toKey);
  };
}
