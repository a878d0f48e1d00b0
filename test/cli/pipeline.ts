import {
  createAncestryWorker,
  DEFAULT_ANCESTRY_SETTINGS,
  RESULT_HEADERS,
} from '@strata/ancestry-worker';
import { connectServices, type CliServices, type PortSet } from '@strata/cli';
import { EVENT_TYPES, type ConsumedMessage, type Subscription } from '@strata/core';
import { createIngestionWorker, DEFAULT_INGESTION_SETTINGS } from '@strata/ingestion-worker';
import { connectMongo, createResultVersionStore } from '@strata/mongodb';
import { createLogger, createWorkerMetrics } from '@strata/runtime';
import { createTestNames } from '@strata/testkit';

const ADDRESS_VARIABLES = [
  'KAFKA_BROKERS',
  'MONGODB_URI',
  'REDIS_URL',
  'S3_ENDPOINT',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'S3_REGION',
] as const;

/** Topics of one pipeline, each unique to the test. */
export type PipelineTopics = Record<keyof typeof EVENT_TYPES, string>;

function addresses(): Record<string, string> {
  const missing = ADDRESS_VARIABLES.filter((name) => !process.env[name]);
  if (missing.length > 0) {
    throw new Error(
      `missing ${missing.join(', ')}: run the integration project, whose setup provides them`,
    );
  }

  return Object.fromEntries(ADDRESS_VARIABLES.map((name) => [name, process.env[name] ?? '']));
}

/**
 * Both workers built by their factories on the real adapters (Kafka, MongoDB, Redis, S3). The
 * test owns the database, key prefix, bucket, topics and groups, and `env` lets the `strata`
 * command of the test reach the same state.
 */
export class Pipeline {
  readonly env: Record<string, string>;
  readonly topics: PipelineTopics;
  readonly #ports: PortSet[] = [];
  readonly #stops: (() => Promise<void>)[] = [];
  readonly #results = new Map<string, ConsumedMessage>();
  #collector: Subscription | undefined;
  #resultCount = 0;

  constructor(label: string) {
    const names = createTestNames(label);
    this.topics = Object.fromEntries(
      Object.entries(EVENT_TYPES).map(([name, { topic }]) => [name, `${names.topic}.${topic}`]),
    ) as PipelineTopics;
    this.env = {
      ...addresses(),
      AWS_EC2_METADATA_DISABLED: 'true',
      MONGODB_DATABASE: names.database,
      REDIS_KEY_PREFIX: names.keyPrefix,
      S3_BUCKET: names.bucket,
      ANALYZED_TOPIC: this.topics.analyzed,
      ANCESTRY_TOPIC: this.topics.ancestry,
      BASE_COMPARISON_TOPIC: this.topics.baseComparison,
      GROUP: names.groupId,
    };
  }

  /** Returns the services of a `strata` run against this pipeline. */
  cliServices(): Omit<CliServices, 'io'> {
    return {
      env: this.env,
      clock: Date.now,
      connect: connectServices,
      stderrIsTty: false,
      onInterrupt: () => () => undefined,
    };
  }

  /** Opens ports of the pipeline's own, closed by `stop`. */
  ports(): PortSet {
    const ports = connectServices(this.env, createLogger({ service: 'cli-test', level: 'warn' }));
    this.#ports.push(ports);

    return ports;
  }

  /** Starts both workers and the collector of results. */
  async start(): Promise<void> {
    const logger = createLogger({ service: 'cli-test-workers', level: 'warn' });
    const metrics = createWorkerMetrics({ processMetrics: false });
    const shared = await this.#connect();
    const ingestion = createIngestionWorker({
      ...shared,
      logger,
      metrics,
      settings: {
        ...DEFAULT_INGESTION_SETTINGS,
        analyzedTopic: this.topics.analyzed,
        indexedTopic: this.topics.indexed,
        groupId: `${this.env.GROUP}-ingestion`,
        bucket: this.env.S3_BUCKET ?? '',
        retryMaxDelayMs: 1000,
      },
    });
    const mongo = await connectMongo({ uri: this.env.MONGODB_URI ?? '' });
    this.#stops.push(() => mongo.close());
    const versions = await createResultVersionStore({
      client: mongo,
      database: this.env.MONGODB_DATABASE ?? '',
    });
    const ancestry = createAncestryWorker({
      ...shared,
      versions,
      logger,
      metrics: createWorkerMetrics({ processMetrics: false }),
      settings: {
        ...DEFAULT_ANCESTRY_SETTINGS,
        topics: {
          indexed: this.topics.indexed,
          deleted: this.topics.deleted,
          baseMarked: this.topics.baseMarked,
          recompute: this.topics.recompute,
          ancestry: this.topics.ancestry,
          baseComparison: this.topics.baseComparison,
        },
        groupId: `${this.env.GROUP}-ancestry`,
        bucket: this.env.S3_BUCKET ?? '',
        retryMaxDelayMs: 1000,
      },
    });
    await ingestion.start();
    await ancestry.start();
    this.#stops.unshift(
      () => ingestion.stop(),
      () => ancestry.stop(),
    );
    await this.#collect(shared.bus);
  }

  async #connect() {
    const ports = this.ports();
    const store = await ports.store();
    if ('ensureIndexes' in store && typeof store.ensureIndexes === 'function') {
      await (store.ensureIndexes as () => Promise<void>)();
    }

    return {
      bus: await ports.bus(),
      store,
      index: await ports.index(),
      objects: (await ports.objects()).store,
    };
  }

  async #collect(bus: Awaited<ReturnType<PortSet['bus']>>) {
    const topics = [this.topics.ancestry, this.topics.baseComparison];
    await bus.ensureTopics(topics);
    this.#collector = await bus.subscribe({
      groupId: `${this.env.GROUP}-collector`,
      topics,
      fromBeginning: true,
      eachBatch: (batch) => {
        for (const message of batch.messages) {
          this.#resultCount += 1;
          const slot = `${message.topic} ${message.key ?? ''}`;
          const current = this.#results.get(slot);
          if (current === undefined || versionOf(message) >= versionOf(current))
            this.#results.set(slot, message);
        }

        return Promise.resolve();
      },
    });
  }

  /** Number of records received so far on both result topics, every version counted. */
  get resultCount(): number {
    return this.#resultCount;
  }

  /** Returns the latest result of an image on a result topic, parsed, or undefined. */
  latest(topic: string, digest: string): Record<string, unknown> | undefined {
    const message = this.#results.get(`${topic} ${digest}`);

    return message?.value == null
      ? undefined
      : (JSON.parse(message.value.toString('utf8')) as Record<string, unknown>);
  }

  /** Waits until `check` returns true, polling every 200 ms, or fails after `timeoutMs`. */
  async waitFor(what: string, check: () => boolean, timeoutMs = 45_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline)
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async stop(): Promise<void> {
    await this.#collector?.stop();
    for (const stop of this.#stops) await stop();
    for (const ports of this.#ports) await ports.close();
  }
}

function versionOf(message: ConsumedMessage): number {
  return Number(message.headers[RESULT_HEADERS.version] ?? 0);
}
