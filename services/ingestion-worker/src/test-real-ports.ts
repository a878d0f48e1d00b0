import { isRetryable } from '@strata/core';
import type { BusMessage } from '@strata/core';
import { createKafka, KafkaEventBus, KafkaGroupAdmin } from '@strata/kafka';
import { connectMongo, createImageStore } from '@strata/mongodb';
import { RedisChainIndex } from '@strata/redis';
import { createLogger, createWorkerMetrics } from '@strata/runtime';
import type { Logger } from '@strata/runtime';
import { S3ObjectStore } from '@strata/s3';
import type { ServiceAddresses, TestNames } from '@strata/testkit';
import { Redis } from 'ioredis';
import { DEFAULT_INGESTION_SETTINGS } from './ingestion-context.ts';
import type { IngestionSettings } from './ingestion-context.ts';
import { createIngestionWorker } from './ingestion-worker.ts';
import { waitUntil } from './test-support.ts';

// The integration project's global setup provides the service addresses under this name.
declare module 'vitest' {
  export interface ProvidedContext {
    services: ServiceAddresses;
  }
}

/** A logger for integration tests: silent unless STRATA_TEST_LOG_LEVEL names a level. */
export function testLogger(): Logger {
  return createLogger({
    service: 'ingestion-test',
    level: process.env.STRATA_TEST_LOG_LEVEL ?? 'silent',
  });
}

/** Settings of a worker that uses only the resources named for one test. */
export function testSettings(names: TestNames): IngestionSettings {
  return {
    ...DEFAULT_INGESTION_SETTINGS,
    analyzedTopic: names.topic,
    indexedTopic: names.unique('indexed'),
    groupId: names.groupId,
    bucket: names.bucket,
    retryInitialDelayMs: 50,
    retryMaxDelayMs: 1000,
    indexCheckIntervalMs: 0,
  };
}

/** Connects the real adapters for one test, each under the test's own names. */
export async function connectTestPorts(
  services: ServiceAddresses,
  names: TestNames,
  redisUrl = services.redisUrl,
) {
  const logger = testLogger();
  const mongo = await connectMongo({ uri: services.mongodbUri });
  const store = await createImageStore({ client: mongo, database: names.database });
  await store.ensureIndexes();
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  const index = new RedisChainIndex({ client: redis, prefix: names.keyPrefix });
  const objects = new S3ObjectStore({ ...services.s3, bucket: names.bucket });
  await objects.ensureBucket();
  const kafka = createKafka({ brokers: services.kafkaBrokers, logger, retries: 3 });
  const brokers = services.kafkaBrokers;
  const bus = new KafkaEventBus({
    kafka,
    brokers,
    logger,
    numPartitions: 3,
    replicationFactor: 1,
    retryInitialDelayMs: 100,
  });
  const admin = new KafkaGroupAdmin(kafka, brokers);
  const close = async () => {
    await bus.close();
    await admin.close();
    await objects.close();
    redis.disconnect();
    await mongo.close();
  };

  return { bus, store, index, objects, admin, redis, logger, close };
}

export type TestPorts = Awaited<ReturnType<typeof connectTestPorts>>;

/** Creates a worker over test ports; `metrics` can be read by the test. */
export function testWorker(ports: TestPorts, settings: IngestionSettings) {
  const metrics = createWorkerMetrics({ processMetrics: false });
  const worker = createIngestionWorker({ ...ports, metrics, settings });

  return { worker, metrics };
}

/** Sums the end offsets of a topic: the number of records ever written to it. */
export async function topicLength(ports: TestPorts, topic: string): Promise<number> {
  const lags = await ports.admin.consumerLag('strata-test-nobody', [topic]);

  return lags.reduce((sum, lag) => sum + Number(lag.endOffset), 0);
}

/** Waits until `groupId` committed every record of `topic`, through broker restarts. */
export async function waitForCommitted(
  ports: TestPorts,
  groupId: string,
  topic: string,
): Promise<void> {
  await waitUntil(async () => {
    try {
      const lags = await ports.admin.consumerLag(groupId, [topic]);

      return lags.length > 0 && lags.every((lag) => lag.lag === 0);
    } catch (error) {
      if (isRetryable(error)) {
        return false;
      }

      throw error;
    }
  });
}

/** Subscribes a new group to `topic` and collects every record from the beginning. */
export async function collect(ports: TestPorts, topic: string, groupId: string) {
  const messages: BusMessage[] = [];
  await ports.bus.ensureTopics([topic]);
  const subscription = await ports.bus.subscribe({
    groupId,
    topics: [topic],
    fromBeginning: true,
    eachBatch: (batch) => {
      messages.push(...batch.messages);
      return Promise.resolve();
    },
  });

  return { messages, stop: () => subscription.stop() };
}

/**
 * Reads `topic` from the beginning in a new group and returns the keys seen once every key of
 * `expected` arrived, or after `timeoutMs`. A new group can receive some records twice around a
 * rebalance, so it waits for the keys, not for a record count.
 */
export async function collectKeys(
  ports: TestPorts,
  topic: string,
  groupId: string,
  expected: readonly string[],
  timeoutMs = 60_000,
): Promise<Set<string | null>> {
  const collected = await collect(ports, topic, groupId);
  const keys = () => new Set(collected.messages.map((message) => message.key));
  const deadline = Date.now() + timeoutMs;
  try {
    await waitUntil(() => {
      const seen = keys();
      return expected.every((key) => seen.has(key)) || Date.now() > deadline;
    });
  } finally {
    await collected.stop();
  }

  return keys();
}
