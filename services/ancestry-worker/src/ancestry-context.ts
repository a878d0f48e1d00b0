import type {
  ChainIndex,
  ComparisonRequest,
  EventBus,
  ImageStore,
  ObjectStore,
  ResultVersionStore,
} from '@strata/core';
import type { Logger, WorkerMetrics } from '@strata/runtime';

/** Topics an ancestry worker consumes and publishes, each defaulting to its standard name. */
export interface AncestryTopics {
  /** Consumed: images made durable by the ingestion worker. Default `image.indexed`. */
  indexed: string;
  /** Consumed: images removed by a user. Default `image.deleted`. */
  deleted: string;
  /** Consumed: base marks set or cleared by a user. Default `image.base-marked`. */
  baseMarked: string;
  /** Consumed and published: images whose results need recomputing. Default `image.recompute`. */
  recompute: string;
  /** Published: ancestry results. Default `image.ancestry`. */
  ancestry: string;
  /** Published: base comparison results. Default `image.base-comparison`. */
  baseComparison: string;
}

/** Settings of an ancestry worker, each with the default of its config variable. */
export interface AncestrySettings {
  topics: AncestryTopics;
  /** Consumer group. Default `strata-ancestry`. */
  groupId: string;
  /** A new group starts at the earliest retained record. Default true. */
  fromBeginning: boolean;
  /** Comparison image of every base comparison. Default: nearest marked base, else the base. */
  compareTo: ComparisonRequest;
  /** Tag patterns (`*` wildcard) whose images count as marked bases. Default none. */
  markedBaseTagPatterns: readonly string[];
  /**
   * Largest relative set recomputed inside the handler of the event that changed it; a larger
   * set goes through the recompute topic, one record per image. Default 16.
   */
  recomputeInlineMax: number;
  /**
   * Number of images of one batch handled at the same time. Records of one image share a key
   * and stay in order. Base marks are handled one at a time. Default 8.
   */
  concurrency: number;
  /** Largest serialized result published inline; a larger one goes to the object store. Default 256 KiB. */
  resultMaxInlineBytes: number;
  /** Bucket of the object store, used in `resultRef.uri`. */
  bucket: string;
  /** Key prefix of results stored in the object store. Default `results/`. */
  resultPrefix: string;
  /** First retry delay, doubled per attempt. Default 200 ms. */
  retryInitialDelayMs: number;
  /** Upper bound of the retry delay. Default 30 s. */
  retryMaxDelayMs: number;
}

export const DEFAULT_ANCESTRY_TOPICS: AncestryTopics = {
  indexed: 'image.indexed',
  deleted: 'image.deleted',
  baseMarked: 'image.base-marked',
  recompute: 'image.recompute',
  ancestry: 'image.ancestry',
  baseComparison: 'image.base-comparison',
};

export const DEFAULT_ANCESTRY_SETTINGS: Omit<AncestrySettings, 'bucket'> = {
  topics: DEFAULT_ANCESTRY_TOPICS,
  groupId: 'strata-ancestry',
  fromBeginning: true,
  compareTo: { relation: 'default' },
  markedBaseTagPatterns: [],
  recomputeInlineMax: 16,
  concurrency: 8,
  resultMaxInlineBytes: 256 * 1024,
  resultPrefix: 'results/',
  retryInitialDelayMs: 200,
  retryMaxDelayMs: 30_000,
};

/** The ports and services an ancestry worker works with; `main.ts` or the embedded mode wires them. */
export interface AncestryDependencies {
  bus: EventBus;
  store: ImageStore;
  index: ChainIndex;
  objects: ObjectStore;
  versions: ResultVersionStore;
  logger: Logger;
  metrics: WorkerMetrics;
  settings: AncestrySettings;
  /** Current time in milliseconds since the epoch. Default `Date.now`. */
  clock?: () => number;
}

/** The dependencies with every default applied, as the handlers receive them. */
export type AncestryContext = Required<AncestryDependencies>;
