import type { ChainIndex, EventBus, ImageStore, ObjectStore } from '@strata/core';
import {
  createLogger,
  createWorkerMetrics,
  handleProcessSignals,
  maskConfig,
  retry,
  runShutdownSteps,
  startHealthServer,
} from '@strata/runtime';
import type {
  DestinationStream,
  HealthServer,
  Logger,
  ProcessHandle,
  ShutdownStep,
  WorkerMetrics,
} from '@strata/runtime';
import { parseIngestionConfig } from './ingestion-config.ts';
import type { IngestionConfig } from './ingestion-config.ts';
import type { IngestionSettings } from './ingestion-context.ts';
import { createIngestionWorker } from './ingestion-worker.ts';
import type { IngestionWorker } from './ingestion-worker.ts';

/** The connected ports, and the steps that close them in order. */
export interface ConnectedPorts {
  bus: EventBus;
  store: ImageStore;
  index: ChainIndex;
  objects: ObjectStore;
  /** Closing steps after the consumer stopped: producer, stores, clients. */
  closeSteps: ShutdownStep[];
}

/** Connects the adapters named by the config; `main.ts` passes the real ones. */
export type ConnectPorts = (config: IngestionConfig, logger: Logger) => Promise<ConnectedPorts>;

export interface IngestionProcessOptions {
  env: Readonly<Record<string, string | undefined>>;
  process: ProcessHandle;
  connect: ConnectPorts;
  /** Writer of config errors. Default stderr. */
  writeError?: (text: string) => void;
  /** Destination of log lines. Default stdout. */
  logDestination?: DestinationStream;
}

export interface IngestionProcess {
  worker: IngestionWorker;
  health: HealthServer;
  /** Runs the orderly shutdown the first signal runs; safe to call twice. */
  drain(): Promise<boolean>;
}

/** Maps the parsed config to the worker's settings. */
export function toIngestionSettings(config: IngestionConfig): IngestionSettings {
  return {
    analyzedTopic: config.ANALYZED_TOPIC,
    indexedTopic: config.INDEXED_TOPIC,
    groupId: config.KAFKA_GROUP_ID,
    fromBeginning: config.KAFKA_FROM_BEGINNING,
    bucket: config.S3_BUCKET,
    maxDocumentBytes: config.ANALYSIS_DOCUMENT_MAX_BYTES,
    deadLetterMaxInlineBytes: config.DEAD_LETTER_MAX_INLINE_BYTES,
    archivePrefix: config.ARCHIVE_PREFIX,
    retryInitialDelayMs: config.RETRY_INITIAL_DELAY_MS,
    retryMaxDelayMs: config.RETRY_MAX_DELAY_MS,
    indexCheckIntervalMs: config.INDEX_CHECK_INTERVAL_MS,
    concurrency: config.INGESTION_CONCURRENCY,
  };
}

function parseOrReport(options: IngestionProcessOptions): IngestionConfig | undefined {
  try {
    return parseIngestionConfig(options.env);
  } catch (error) {
    const write = options.writeError ?? ((text: string) => process.stderr.write(text));
    write(`${error instanceof Error ? error.message : String(error)}\n`);
    options.process.exit(1);
    return undefined;
  }
}

/**
 * Resources an orderly shutdown closes, filled in as startup opens them: stop the consumer, close the
 * ports in the order `connect` gave, then the health server.
 */
class ProcessResources {
  readonly startup = new AbortController();
  readonly #logger: Logger;
  readonly #steps: ShutdownStep[] = [];
  worker: IngestionWorker | undefined;
  health: HealthServer | undefined;
  #draining: Promise<boolean> | undefined;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  addSteps(steps: readonly ShutdownStep[]): void {
    this.#steps.push(...steps);
  }

  /** Aborts startup and runs every shutdown step once; later calls return the same result. */
  drain(): Promise<boolean> {
    this.#draining ??= this.#runSteps();
    return this.#draining;
  }

  #runSteps(): Promise<boolean> {
    this.startup.abort(new Error('shutdown requested'));
    const steps = [
      { name: 'stop consumer', run: () => this.worker?.stop() ?? Promise.resolve() },
      ...this.#steps,
      { name: 'close health server', run: () => this.health?.close() ?? Promise.resolve() },
    ];

    return runShutdownSteps(steps, this.#logger);
  }
}

async function connectAndStart(
  options: IngestionProcessOptions,
  config: IngestionConfig,
  resources: ProcessResources,
  context: { logger: Logger; metrics: WorkerMetrics },
): Promise<IngestionWorker> {
  const { logger, metrics } = context;
  const signal = resources.startup.signal;
  const ports = await retry(() => options.connect(config, logger), {
    operation: 'connect',
    signal,
    logger,
    maxDelayMs: config.RETRY_MAX_DELAY_MS,
    onRetry: () => metrics.retries.inc({ operation: 'connect' }),
  });
  if (signal.aborted) {
    // The shutdown began while connecting and could not know these ports.
    await runShutdownSteps(ports.closeSteps, logger);
    signal.throwIfAborted();
  }

  resources.addSteps(ports.closeSteps);
  const settings = toIngestionSettings(config);
  const worker = createIngestionWorker({ ...ports, logger, metrics, settings });
  resources.worker = worker;
  await worker.start();

  return worker;
}

/**
 * Runs the ingestion worker as a process: parses the config (exit 1 listing every problem when
 * invalid), installs signal handling, starts the health server, connects the ports with retries
 * and starts consuming. Resolves once the worker runs, or with undefined when it could not start;
 * the signal handlers end the process.
 */
export async function runIngestionProcess(
  options: IngestionProcessOptions,
): Promise<IngestionProcess | undefined> {
  const config = parseOrReport(options);
  if (config === undefined) {
    return undefined;
  }

  const logger = createLogger({
    service: 'ingestion-worker',
    level: config.LOG_LEVEL,
    destination: options.logDestination,
  });
  logger.info({ config: maskConfig(config) }, 'config loaded');
  const metrics = createWorkerMetrics();
  const resources = new ProcessResources(logger);
  const drain = () => resources.drain();
  handleProcessSignals({
    logger,
    graceMs: config.SHUTDOWN_GRACE_MS,
    drain,
    process: options.process,
  });
  try {
    const health = await startHealthServer({
      host: config.HTTP_HOST,
      port: config.HTTP_PORT,
      registry: metrics.registry,
      readiness: () => resources.worker?.readiness() ?? { ready: false, status: 'starting' },
      logger,
    });
    resources.health = health;
    const worker = await connectAndStart(options, config, resources, { logger, metrics });

    return { worker, health, drain };
  } catch (error) {
    if (resources.startup.signal.aborted) {
      return undefined;
    }

    logger.fatal({ err: error }, 'worker failed to start');
    await drain();
    options.process.exit(1);
    return undefined;
  }
}
