import type {
  ChainIndex,
  EventBus,
  ImageStore,
  ObjectStore,
  ResultVersionStore,
} from '@strata/core';
import { runWorkerProcess } from '@strata/runtime';
import type {
  Logger,
  ShutdownStep,
  WorkerProcess,
  WorkerProcessDefinition,
  WorkerProcessOptions,
} from '@strata/runtime';
import { ancestrySettings, parseAncestryConfig } from './ancestry-config.ts';
import type { AncestryConfig } from './ancestry-config.ts';
import { createAncestryWorker } from './ancestry-worker.ts';
import type { AncestryWorker } from './ancestry-worker.ts';

/** The connected ports, and the steps that close them in order. */
export interface ConnectedPorts {
  bus: EventBus;
  store: ImageStore;
  index: ChainIndex;
  objects: ObjectStore;
  versions: ResultVersionStore;
  /** Closing steps after the consumer stopped: producer, stores, clients. */
  closeSteps: ShutdownStep[];
}

/** Connects the adapters named by the config; `main.ts` passes the real ones. */
export type ConnectPorts = (config: AncestryConfig, logger: Logger) => Promise<ConnectedPorts>;

export type AncestryProcessOptions = WorkerProcessOptions<AncestryConfig, ConnectedPorts>;

export type AncestryProcess = WorkerProcess<AncestryWorker>;

/**
 * Runs the ancestry worker as a process: parses the config (exit 1 listing every problem when
 * invalid), installs signal handling, starts the health server, connects the ports with retries
 * and starts consuming. Resolves once the worker runs, or with undefined when it could not
 * start. The signal handlers end the process.
 */
export function runAncestryProcess(
  options: AncestryProcessOptions,
): Promise<AncestryProcess | undefined> {
  const definition: WorkerProcessDefinition<AncestryConfig, ConnectedPorts, AncestryWorker> = {
    service: 'ancestry-worker',
    parseConfig: parseAncestryConfig,
    createWorker: (ports, { config, logger, metrics }) =>
      createAncestryWorker({ ...ports, logger, metrics, settings: ancestrySettings(config) }),
  };

  return runWorkerProcess(definition, options);
}
