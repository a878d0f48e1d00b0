import type { ChainIndex, EventBus, ImageStore, ObjectStore } from '@strata/core';
import type { Logger, WorkerMetrics } from '@strata/runtime';

/** Settings of an ingestion worker, each with the default of its config variable. */
export interface IngestionSettings {
  /** Topic of `image.analyzed`. Default `image.analyzed`. */
  analyzedTopic: string;
  /** Topic `image.indexed` is published on. Default `image.indexed`. */
  indexedTopic: string;
  /** Consumer group. Default `strata-ingestion`. */
  groupId: string;
  /** A new group starts at the earliest retained record. Default true. */
  fromBeginning: boolean;
  /** Bucket of the object store; every `analysisRef` must point into it. */
  bucket: string;
  /** Largest analysis document accepted. Default 256 MiB. */
  maxDocumentBytes: number;
  /** Key prefix of archived analyses. Default `archive/`. */
  archivePrefix: string;
  /** First retry delay, doubled per attempt. Default 200 ms. */
  retryInitialDelayMs: number;
  /** Upper bound of the retry delay. Default 30 s. */
  retryMaxDelayMs: number;
  /** Minimum time between two checks that the chain index is not empty. Default 30 s. */
  indexCheckIntervalMs: number;
  /** Images of one batch processed at the same time. Default 16. */
  concurrency: number;
  /**
   * Largest dead letter, in bytes, published with its value; a larger value goes to the object
   * store under `dead-letters/` and the dead letter names it. Default 512 KiB, half of Kafka's
   * default `message.max.bytes`, which leaves room for the dead-letter headers.
   */
  deadLetterMaxInlineBytes: number;
}

export const DEFAULT_INGESTION_SETTINGS: Omit<IngestionSettings, 'bucket'> = {
  analyzedTopic: 'image.analyzed',
  indexedTopic: 'image.indexed',
  groupId: 'strata-ingestion',
  fromBeginning: true,
  maxDocumentBytes: 256 * 1024 * 1024,
  archivePrefix: 'archive/',
  retryInitialDelayMs: 200,
  retryMaxDelayMs: 30_000,
  indexCheckIntervalMs: 30_000,
  concurrency: 16,
  deadLetterMaxInlineBytes: 512 * 1024,
};

/** The ports and services an ingestion worker works with; `main.ts` or the embedded mode wires them. */
export interface IngestionDependencies {
  bus: EventBus;
  store: ImageStore;
  index: ChainIndex;
  objects: ObjectStore;
  logger: Logger;
  metrics: WorkerMetrics;
  settings: IngestionSettings;
  /** Current time in milliseconds since the epoch. Default `Date.now`. */
  clock?: () => number;
}
