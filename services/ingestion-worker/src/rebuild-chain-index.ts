import { indexedChains } from '@strata/core';
import type { ChainIndex, ImageRecord, ImageStore } from '@strata/core';

export interface RebuildChainIndexOptions {
  store: ImageStore;
  index: ChainIndex;
  /** Remove every entry first, dropping entries of images no longer stored. Default false. */
  clear?: boolean;
  /** Images added concurrently. Default 64. */
  concurrency?: number;
  /** Aborting it stops the rebuild between two groups of images. */
  signal?: AbortSignal;
}

/**
 * Adds the full chains of every stored image to the chain index and returns the number of
 * images. Adding is idempotent, so a rebuild that stopped half-way can simply run again, and
 * workers may keep ingesting meanwhile. This is the function behind `strata index rebuild`.
 */
export async function rebuildChainIndex(options: RebuildChainIndexOptions): Promise<number> {
  const concurrency = options.concurrency ?? 64;
  if (options.clear === true) {
    await options.index.clear();
  }

  let images = 0;
  let group: ImageRecord[] = [];
  const flush = async () => {
    options.signal?.throwIfAborted();
    await Promise.all(
      group.map((record) => options.index.add(record.image.digest, indexedChains(record))),
    );
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
