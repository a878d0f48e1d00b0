import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { EVENT_TYPES, indexedChains } from '@strata/core';
import type { ImageRecord } from '@strata/core';
import { createImageStore } from '@strata/mongodb';
import { RedisChainIndex } from '@strata/redis';
import { createTestNames, toEnvironment } from '@strata/testkit';
import type { ServiceAddresses } from '@strata/testkit';
import { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { BenchProcess } from './bench-process.ts';
import { freePort } from './dedicated-server.ts';

export type WorkerName = 'ingestion-worker' | 'ancestry-worker';

/** Images `storeDirectly` writes at the same time, as the ingestion worker's default. */
const STORE_CONCURRENCY = 16;

/** Topic names of one deployment, unique to the run. */
export type DeploymentTopics = Record<keyof typeof EVENT_TYPES, string>;

/** A started worker and the port of its health and metrics server. */
export interface RunningWorker {
  process: BenchProcess;
  port: number;
}

/**
 * Both workers as OS processes on the shared servers, with the run's own topics, MongoDB
 * database, Redis key prefix and S3 bucket, which `cleanUp` deletes again.
 */
export class PipelineDeployment {
  readonly topics: DeploymentTopics;
  readonly names = createTestNames('bench');
  readonly workers = new Map<WorkerName, RunningWorker>();
  readonly #addresses: ServiceAddresses;
  readonly #extraTopics: string[] = [];

  constructor(addresses: ServiceAddresses) {
    this.#addresses = addresses;
    this.topics = Object.fromEntries(
      Object.entries(EVENT_TYPES).map(([name, { topic }]) => [
        name,
        `${this.names.topic}.${topic}`,
      ]),
    ) as DeploymentTopics;
  }

  /** Returns a further topic name of this run, deleted by `cleanUp`. */
  extraTopic(label: string): string {
    const topic = this.names.unique(label);
    this.#extraTopics.push(topic);

    return topic;
  }

  /**
   * Starts a worker and waits for its /readyz. With `profileDirectory`, the worker writes a CPU
   * profile there when it exits.
   */
  async start(name: WorkerName, profileDirectory?: string): Promise<RunningWorker> {
    const port = await freePort();
    const child = new BenchProcess({
      name,
      script: `services/${name}/src/main.ts`,
      env: {
        ...this.#environment(),
        HTTP_PORT: String(port),
        KAFKA_GROUP_ID: `${this.names.groupId}-${name}`,
      },
      cpuProfileDirectory: profileDirectory,
    });
    const worker = { process: child, port };
    this.workers.set(name, worker);
    await child.waitFor('/readyz', () => isReady(port), 120_000);

    return worker;
  }

  /** Stops every worker with SIGTERM, as an orchestrator does, so they write their profiles. */
  async stop(): Promise<void> {
    await Promise.all([...this.workers.values()].map((worker) => worker.process.stop()));
  }

  /**
   * Stores records in the deployment's image store and chain index through the adapters, as the
   * ingestion worker does (`STORE_CONCURRENCY` at a time), but without announcing them.
   */
  async storeDirectly(records: readonly ImageRecord[]): Promise<void> {
    const mongo = new MongoClient(this.#addresses.mongodbUri, { serverSelectionTimeoutMS: 10_000 });
    const redis = new Redis(this.#addresses.redisUrl, { maxRetriesPerRequest: 2 });
    try {
      const store = await createImageStore({ client: mongo, database: this.names.database });
      const index = new RedisChainIndex({ client: redis, prefix: this.names.keyPrefix });
      let next = 0;
      const lane = async () => {
        for (let position = next++; position < records.length; position = next++) {
          const record = records[position] as ImageRecord;
          await store.upsert(record);
          await index.add(record.image.digest, indexedChains(record));
        }
      };
      await Promise.all(Array.from({ length: STORE_CONCURRENCY }, lane));
    } finally {
      await mongo.close();
      await redis.quit();
    }
  }

  /** Deletes the run's topics, consumer groups, database, Redis keys and bucket. */
  async cleanUp(kafka: Kafka, groups: readonly string[]): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const mine = [...existing].filter(
        (topic) => topic.startsWith(this.names.topic) || this.#extraTopics.includes(topic),
      );
      if (mine.length > 0) await admin.deleteTopics({ topics: mine });
      const workerGroups = [...this.workers.keys()].map((name) => `${this.names.groupId}-${name}`);
      await admin.deleteGroups([...workerGroups, ...groups]).catch(() => undefined);
    } finally {
      await admin.disconnect();
    }
    await this.#dropDatabase();
    await this.#deleteRedisKeys();
    await this.#deleteBucket();
  }

  #environment(): Record<string, string> {
    return {
      ...toEnvironment(this.#addresses),
      AWS_EC2_METADATA_DISABLED: 'true',
      MONGODB_DATABASE: this.names.database,
      REDIS_KEY_PREFIX: this.names.keyPrefix,
      S3_BUCKET: this.names.bucket,
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ANALYZED_TOPIC: this.topics.analyzed,
      INDEXED_TOPIC: this.topics.indexed,
      DELETED_TOPIC: this.topics.deleted,
      BASE_MARKED_TOPIC: this.topics.baseMarked,
      RECOMPUTE_TOPIC: this.topics.recompute,
      ANCESTRY_TOPIC: this.topics.ancestry,
      BASE_COMPARISON_TOPIC: this.topics.baseComparison,
    };
  }

  async #dropDatabase(): Promise<void> {
    const client = new MongoClient(this.#addresses.mongodbUri, {
      serverSelectionTimeoutMS: 10_000,
    });
    try {
      await client.db(this.names.database).dropDatabase();
    } finally {
      await client.close();
    }
  }

  async #deleteRedisKeys(): Promise<void> {
    const client = new Redis(this.#addresses.redisUrl, { maxRetriesPerRequest: 2 });
    try {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(
          cursor,
          'MATCH',
          `${this.names.keyPrefix}*`,
          'COUNT',
          1000,
        );
        cursor = next;
        if (keys.length > 0) await client.unlink(...keys);
      } while (cursor !== '0');
    } finally {
      await client.quit();
    }
  }

  async #deleteBucket(): Promise<void> {
    const { s3 } = this.#addresses;
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      forcePathStyle: true,
    });
    const Bucket = this.names.bucket;
    try {
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket, ContinuationToken: token }),
        );
        const objects = (page.Contents ?? []).flatMap((object) =>
          object.Key ? [{ Key: object.Key }] : [],
        );
        if (objects.length > 0)
          await client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: objects } }));
        token = page.NextContinuationToken;
      } while (token !== undefined);
      await client.send(new DeleteBucketCommand({ Bucket }));
    } catch (error) {
      if ((error as { name?: string }).name !== 'NoSuchBucket') throw error;
    } finally {
      client.destroy();
    }
  }
}

async function isReady(port: number): Promise<boolean> {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`);

  return response.status === 200;
}

/** Reads `strata_event_processing_seconds` sums and counts per topic from a worker's /metrics. */
export async function processingTimes(port: number) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const times = new Map<string, { seconds: number; count: number }>();
  const pattern = /^strata_event_processing_seconds_(sum|count)\{([^}]*)\} (\S+)$/gm;
  for (const [, kind, labels, value] of text.matchAll(pattern)) {
    const topic = /topic="([^"]*)"/.exec(labels ?? '')?.[1] ?? 'unknown';
    const entry = times.get(topic) ?? { seconds: 0, count: 0 };
    if (kind === 'sum') entry.seconds += Number(value);
    else entry.count += Number(value);
    times.set(topic, entry);
  }

  return [...times.entries()].map(([topic, { seconds, count }]) => ({
    topic,
    count,
    meanMs: count === 0 ? 0 : (seconds / count) * 1000,
  }));
}
