import type { ChainIndex, ImageStore } from '@strata/core';
import type { Logger } from '@strata/runtime';
import { isRebuildable, rebuildChainIndex } from './rebuild-chain-index.ts';

export interface ChainIndexGuardOptions {
  store: ImageStore;
  index: ChainIndex;
  logger: Logger;
  /** Minimum time between two checks; 0 checks before every batch. */
  intervalMs: number;
  clock: () => number;
}

/**
 * Detects a chain index that lost its data (Redis restarted empty, a flushed database, a new
 * cluster) and rebuilds it from the image store. The index
 * contains derived data only, so the rebuild is the whole recovery.
 */
export class ChainIndexGuard {
  readonly #options: ChainIndexGuardOptions;
  #lastCheckAt = Number.NEGATIVE_INFINITY;
  #rebuilding = false;

  constructor(options: ChainIndexGuardOptions) {
    this.#options = options;
  }

  /** True while a rebuild runs. */
  get rebuilding(): boolean {
    return this.#rebuilding;
  }

  /**
   * An index with a rebuild marker needs a rebuild whenever the marker is missing. Any other index
   * needs one when it is empty while the store is not.
   */
  async #needsRebuild(): Promise<boolean> {
    const { index, store } = this.#options;
    if (isRebuildable(index)) {
      return !(await index.isBuilt());
    }

    return (await index.size()) === 0 && (await store.count()) > 0;
  }

  /**
   * Checks the index when the interval has passed since the last check, or when `force` is set,
   * and rebuilds it when it is empty but the store is not. Returns true when it rebuilt.
   */
  async ensure(signal: AbortSignal, force = false): Promise<boolean> {
    const { index, store, logger, clock } = this.#options;
    const now = clock();
    if (!force && now - this.#lastCheckAt < this.#options.intervalMs) {
      return false;
    }

    this.#lastCheckAt = now;
    if (!(await this.#needsRebuild())) {
      return false;
    }

    logger.warn('chain index empty or incomplete, rebuilding from image store');
    this.#rebuilding = true;
    try {
      const images = await rebuildChainIndex({ store, index, signal });
      logger.info({ images, durationMs: clock() - now }, 'chain index rebuilt');
    } finally {
      this.#rebuilding = false;
    }

    return true;
  }
}
