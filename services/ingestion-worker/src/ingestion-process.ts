import type { ChainIndex, EventBus, ImageStore, ObjectStore } from '@strata/core';
import { runWorkerProcess } from '@strata/runtime';
import type {
  Logger,
  ShutdownStep,
  WorkerProcess,
  WorkerProcessDefinition,
  WorkerProcessOptions,
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

export type IngestionProcessOptions = WorkerProcessOptions<IngestionConfig, ConnectedPorts>;

export type IngestionProcess = WorkerProcess<IngestionWorker>;

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

/**
 * Runs the ingestion worker as a process: parses the config (exit 1 listing every problem when
 * invalid), installs signal handling, starts the health server, connects the ports with retries
 * and starts consuming. Resolves once the worker runs, or with undefined when it could not
 * start. The signal handlers end the process.
 */
export function runIngestionProcess(
  options: IngestionProcessOptions,
): Promise<IngestionProcess | undefined> {
  const definition: WorkerProcessDefinition<IngestionConfig, ConnectedPorts, IngestionWorker> = {
    service: 'ingestion-worker',
    parseConfig: parseIngestionConfig,
    createWorker: (ports, { config, logger, metrics }) =>
      createIngestionWorker({ ...ports, logger, metrics, settings: toIngestionSettings(config) }),
  };

  return runWorkerProcess(definition, options);
}
