import { EVENT_TYPES } from '@strata/core';
import { createTestNames } from '@strata/testkit';
import { WorkerProcess } from './worker-process.ts';
import type { WorkerName } from './worker-process.ts';

/** Variables of the service addresses that the test environment provides. */
const ADDRESS_VARIABLES = [
  'KAFKA_BROKERS',
  'MONGODB_URI',
  'REDIS_URL',
  'S3_ENDPOINT',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'S3_REGION',
] as const;

/** Topic names of one deployment, each unique to the test. */
export type DeploymentTopics = Record<keyof typeof EVENT_TYPES, string>;

function serviceAddresses(): Record<string, string> {
  const missing = ADDRESS_VARIABLES.filter((name) => !process.env[name]);
  if (missing.length > 0) {
    throw new Error(
      `missing service addresses ${missing.join(', ')}: run the integration project, whose ` +
        'global setup provides them, or set them to running servers',
    );
  }

  return Object.fromEntries(ADDRESS_VARIABLES.map((name) => [name, process.env[name] ?? '']));
}

/**
 * A deployment of both workers for one test: its own topics, MongoDB database, Redis key
 * prefix and S3 bucket on the shared servers, and one OS process per worker.
 */
export class E2eDeployment {
  readonly topics: DeploymentTopics;
  /** Consumer group of the test's own reader of the result topics. */
  readonly readerGroup: string;
  readonly addresses: Record<string, string>;
  /** S3 bucket both workers use. */
  readonly bucket: string;
  readonly #env: Record<string, string>;
  readonly #groups: Record<WorkerName, string>;
  readonly workers = new Map<WorkerName, WorkerProcess>();

  constructor(label: string, settings: Record<string, string> = {}) {
    const names = createTestNames(label);
    this.addresses = serviceAddresses();
    this.bucket = names.bucket;
    this.topics = Object.fromEntries(
      Object.entries(EVENT_TYPES).map(([name, { topic }]) => [name, `${names.topic}.${topic}`]),
    ) as DeploymentTopics;
    this.readerGroup = `${names.groupId}-reader`;
    this.#groups = {
      'ingestion-worker': `${names.groupId}-ingestion`,
      'ancestry-worker': `${names.groupId}-ancestry`,
    };
    this.#env = {
      ...this.addresses,
      AWS_EC2_METADATA_DISABLED: 'true',
      MONGODB_DATABASE: names.database,
      REDIS_KEY_PREFIX: names.keyPrefix,
      S3_BUCKET: names.bucket,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      LOG_LEVEL: 'info',
      RETRY_MAX_DELAY_MS: '1000',
      INDEX_CHECK_INTERVAL_MS: '1000',
      ANALYZED_TOPIC: this.topics.analyzed,
      INDEXED_TOPIC: this.topics.indexed,
      DELETED_TOPIC: this.topics.deleted,
      BASE_MARKED_TOPIC: this.topics.baseMarked,
      RECOMPUTE_TOPIC: this.topics.recompute,
      ANCESTRY_TOPIC: this.topics.ancestry,
      BASE_COMPARISON_TOPIC: this.topics.baseComparison,
      ...settings,
    };
  }

  /** Starts a worker process, or starts it again after it exited. */
  start(name: WorkerName): WorkerProcess {
    const worker = new WorkerProcess(name, { ...this.#env, KAFKA_GROUP_ID: this.#groups[name] });
    worker.start();
    this.workers.set(name, worker);

    return worker;
  }

  /** Sends SIGKILL to a worker process and waits until it is gone. */
  async kill(name: WorkerName): Promise<void> {
    await this.workers.get(name)?.kill('SIGKILL');
  }

  /** Stops every worker with SIGTERM, as an orchestrator does. */
  async stop(): Promise<void> {
    await Promise.all([...this.workers.values()].map((worker) => worker.kill('SIGTERM')));
  }

  /** Returns the last output lines of every worker, for a failure message. */
  output(): string {
    return [...this.workers.values()].map((worker) => worker.output()).join('\n');
  }
}
