import { indexedChains } from '@strata/core';
import type { ChainIndex, ImageRecord, ImageStore } from '@strata/core';

/**
 * A chain index that keeps a marker of its last complete rebuild, such as the Redis one. Such an
 * index can detect that it lost data even while the image store is empty.
 */
export interface RebuildableChainIndex extends ChainIndex {
  /** Tells whether a rebuild completed and nothing cleared the index since. */
  isBuilt(): Promise<boolean>;
  /** Clears the index, adds every record, writes the marker and returns the image count. */
  rebuild(records: AsyncIterable<ImageRecord>): Promise<number>;
}

/** Tells whether an index keeps a rebuild marker. */
export function isRebuildable(index: ChainIndex): index is RebuildableChainIndex {
  const candidate = index as Partial<RebuildableChainIndex>;

  return typeof candidate.isBuilt === 'function' && typeof candidate.rebuild === 'function';
}

export interface RebuildChainIndexOptions {
  store: ImageStore;
  index: ChainIndex;
  /**
   * Remove every entry first, dropping entries of images no longer stored. Default false. An
   * index with a rebuild marker always clears first.
   */
  clear?: boolean;
  /** Images added concurrently by the generic rebuild. Default 64. */
  concurrency?: number;
  /** Aborting it stops the generic rebuild between two groups of images. */
  signal?: AbortSignal;
}

async function addAll(options: RebuildChainIndexOptions): Promise<number> {
  const concurrency = options.concurrency ?? 64;
  let images = 0;
  let group: ImageRecord[] = [];
  const flush = async () => {
    options.signal?.throwIfAborted();
    const adds = group.map((record) =>
      options.index.add(record.image.digest, indexedChains(record)),
    );
    await Promise.all(adds);
    images += group.length;
    group = [];
  };
  for await (const record of options.store.list()) {
    group.push(record);
    if (group.length >= concurrency) {
      await flush();
    }
  }
  await flush();

  return images;
}

/**
 * Adds the full chains of every stored image to the chain index and returns the number of
 * images. An index with a rebuild marker does it its own way. Otherwise adding is idempotent, so
 * a rebuild that stopped half-way can run again while workers keep ingesting. This is the function
 * behind `strata index rebuild`.
 */
export async function rebuildChainIndex(options: RebuildChainIndexOptions): Promise<number> {
  if (isRebuildable(options.index)) {
    return options.index.rebuild(options.store.list());
  }

  if (options.clear === true) {
    await options.index.clear();
  }

  return addAll(options);
}
