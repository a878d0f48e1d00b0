import { EVENT_TYPES } from '@strata/core';
import type { ComparisonRequest } from '@strata/core';
import {
  envBoolean,
  envInteger,
  envList,
  parseConfig,
  topicName,
  workerConfigRules,
  workerConfigShape,
} from '@strata/runtime';
import type { Environment } from '@strata/runtime';
import { z } from 'zod';
import { DEFAULT_ANCESTRY_SETTINGS } from './ancestry-context.ts';
import type { AncestrySettings } from './ancestry-context.ts';

/** Values of `COMPARE_TO` and the comparison each one requests. */
const COMPARISON_REQUESTS = {
  'marked-base': { relation: 'default' },
  base: { relation: 'base' },
  parent: { relation: 'parent' },
} as const satisfies Record<string, ComparisonRequest>;

const defaults = DEFAULT_ANCESTRY_SETTINGS;

/** Every variable the ancestry worker reads, with its default. */
export const ancestryConfigSchema = z
  .object({
    ...workerConfigShape,
    /** Consumed topic of stored images. Default `image.indexed`. */
    INDEXED_TOPIC: topicName.default(EVENT_TYPES.indexed.topic),
    /** Consumed topic of deleted images. Default `image.deleted`. */
    DELETED_TOPIC: topicName.default(EVENT_TYPES.deleted.topic),
    /** Consumed topic of base marks. Default `image.base-marked`. */
    BASE_MARKED_TOPIC: topicName.default(EVENT_TYPES.baseMarked.topic),
    /** Internal topic of recompute requests, consumed and published. Default `image.recompute`. */
    RECOMPUTE_TOPIC: topicName.default(EVENT_TYPES.recompute.topic),
    /** Published topic of ancestry results. Default `image.ancestry`. */
    ANCESTRY_TOPIC: topicName.default(EVENT_TYPES.ancestry.topic),
    /** Published topic of base comparison results. Default `image.base-comparison`. */
    BASE_COMPARISON_TOPIC: topicName.default(EVENT_TYPES.baseComparison.topic),
    /** Consumer group of the ancestry workers. Default `strata-ancestry`. */
    KAFKA_GROUP_ID: z.string().min(1).default(defaults.groupId),
    /** Start of a group with no committed offset at the earliest retained record. Default true. */
    KAFKA_FROM_BEGINNING: envBoolean().default(defaults.fromBeginning),
    /**
     * Comparison image: `marked-base` (nearest marked base, else the base), `base` or `parent`.
     * Default `marked-base`.
     */
    COMPARE_TO: z.enum(['marked-base', 'base', 'parent']).default('marked-base'),
    /** Comma-separated tag patterns (`*` wildcard) of images that count as marked bases. */
    MARKED_BASE_TAG_PATTERNS: envList().optional(),
    /** Largest set of relatives recomputed inline; larger sets go through the recompute topic. */
    RECOMPUTE_INLINE_MAX: envInteger(0, 100_000).default(defaults.recomputeInlineMax),
    /** Number of images of one batch handled at the same time. Default 8. */
    ANCESTRY_CONCURRENCY: envInteger(1, 1024).default(defaults.concurrency),
    /** Largest result published inline, in bytes of JSON; larger ones go to S3. Default 256 KiB. */
    RESULT_MAX_INLINE_BYTES: envInteger(1024, 900 * 1024).default(defaults.resultMaxInlineBytes),
    /** Key prefix of results stored in `S3_BUCKET`. Default `results/`. */
    RESULT_PREFIX: z.string().max(200).default(defaults.resultPrefix),
    /** Delay before the first retry of a transient failure, doubled per attempt. Default 200 ms. */
    RETRY_INITIAL_DELAY_MS: envInteger(1, 600_000).default(defaults.retryInitialDelayMs),
    /** Upper bound of the retry delay. Default 30 s. */
    RETRY_MAX_DELAY_MS: envInteger(1, 3_600_000).default(defaults.retryMaxDelayMs),
  })
  .check(...workerConfigRules);

export type AncestryConfig = z.output<typeof ancestryConfigSchema>;

/** Parses the ancestry worker's config from `env`; throws `INVALID_CONFIG` listing every problem. */
export function parseAncestryConfig(env: Environment): AncestryConfig {
  return parseConfig(ancestryConfigSchema, env);
}

/** Returns the worker settings of a parsed config. */
export function ancestrySettings(config: AncestryConfig): AncestrySettings {
  return {
    topics: {
      indexed: config.INDEXED_TOPIC,
      deleted: config.DELETED_TOPIC,
      baseMarked: config.BASE_MARKED_TOPIC,
      recompute: config.RECOMPUTE_TOPIC,
      ancestry: config.ANCESTRY_TOPIC,
      baseComparison: config.BASE_COMPARISON_TOPIC,
    },
    groupId: config.KAFKA_GROUP_ID,
    fromBeginning: config.KAFKA_FROM_BEGINNING,
    compareTo: COMPARISON_REQUESTS[config.COMPARE_TO],
    markedBaseTagPatterns: config.MARKED_BASE_TAG_PATTERNS ?? [],
    recomputeInlineMax: config.RECOMPUTE_INLINE_MAX,
    concurrency: config.ANCESTRY_CONCURRENCY,
    resultMaxInlineBytes: config.RESULT_MAX_INLINE_BYTES,
    bucket: config.S3_BUCKET,
    resultPrefix: config.RESULT_PREFIX,
    retryInitialDelayMs: config.RETRY_INITIAL_DELAY_MS,
    retryMaxDelayMs: config.RETRY_MAX_DELAY_MS,
  };
}
