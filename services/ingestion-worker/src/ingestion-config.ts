import { EVENT_TYPES } from '@strata/core';
import {
  envBoolean,
  envInteger,
  parseConfig,
  topicName,
  workerConfigRules,
  workerConfigShape,
} from '@strata/runtime';
import type { Environment } from '@strata/runtime';
import { z } from 'zod';

/** Every variable the ingestion worker reads, with its default. */
export const ingestionConfigSchema = z
  .object({
    ...workerConfigShape,
    /** Topic of `image.analyzed` events. Default `image.analyzed`; dead letters go to `<topic>.dlq`. */
    ANALYZED_TOPIC: topicName.default(EVENT_TYPES.analyzed.topic),
    /** Internal topic the worker announces stored images on. Default `image.indexed`. */
    INDEXED_TOPIC: topicName.default(EVENT_TYPES.indexed.topic),
    /** Consumer group of the ingestion workers. Default `strata-ingestion`. */
    KAFKA_GROUP_ID: z.string().min(1).default('strata-ingestion'),
    /** Start of a group with no committed offset at the earliest retained record. Default true. */
    KAFKA_FROM_BEGINNING: envBoolean().default(true),
    /** Largest analysis document accepted through `analysisRef`. Default 256 MiB. */
    ANALYSIS_DOCUMENT_MAX_BYTES: envInteger(1024, 2 ** 31 - 1).default(256 * 1024 * 1024),
    /** Key prefix of archived analysis documents in `S3_BUCKET`. Default `archive/`. */
    ARCHIVE_PREFIX: z.string().max(200).default('archive/'),
    /** Delay before the first retry of a transient failure, doubled per attempt. Default 200 ms. */
    RETRY_INITIAL_DELAY_MS: envInteger(1, 600_000).default(200),
    /** Upper bound of the retry delay. Default 30 s. */
    RETRY_MAX_DELAY_MS: envInteger(1, 3_600_000).default(30_000),
    /** Minimum time between two checks that the chain index is not empty. Default 30 s. */
    INDEX_CHECK_INTERVAL_MS: envInteger(0, 86_400_000).default(30_000),
    /** Images of one batch processed at the same time; records of one image stay in order. */
    INGESTION_CONCURRENCY: envInteger(1, 1024).default(16),
    /** Largest dead letter published with its value; larger values go to S3. Default 512 KiB. */
    DEAD_LETTER_MAX_INLINE_BYTES: envInteger(1024, 2 ** 30).default(512 * 1024),
  })
  .check(...workerConfigRules);

export type IngestionConfig = z.output<typeof ingestionConfigSchema>;

/** Parses the ingestion worker's config from `env`; throws `INVALID_CONFIG` listing every problem. */
export function parseIngestionConfig(env: Environment): IngestionConfig {
  return parseConfig(ingestionConfigSchema, env);
}
