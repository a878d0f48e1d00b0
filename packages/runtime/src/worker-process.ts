import type { DestinationStream, Logger } from './create-logger.ts';
import { createLogger } from './create-logger.ts';
import { startHealthServer } from './health-server.ts';
import type { HealthServer, Readiness } from './health-server.ts';
import { maskConfig } from './mask-credentials.ts';
import { handleProcessSignals } from './process-signals.ts';
import type { ProcessHandle } from './process-signals.ts';
import { retry } from './retry.ts';
import { runShutdownSteps } from './shutdown-steps.ts';
import type { ShutdownStep } from './shutdown-steps.ts';
import { createWorkerMetrics } from './worker-metrics.ts';
import type { WorkerMetrics } from './worker-metrics.ts';

/** The variables every worker process reads besides its own. */
export type WorkerProcessConfig = Readonly<Record<string, unknown>> & {
  LOG_LEVEL: string;
  HTTP_HOST: string;
  HTTP_PORT: number;
  SHUTDOWN_GRACE_MS: number;
  RETRY_MAX_DELAY_MS: number;
};

/** A worker a process runs: started once, stopped by the first shutdown step. */
export interface ProcessWorker {
  readiness(): Readiness;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Connected ports with the steps that close them, in order, after the consumer stopped. */
export interface ClosablePorts {
  closeSteps: ShutdownStep[];
}

/** What differs between the worker processes: their name, config and worker. */
export interface WorkerProcessDefinition<Config, Ports, Worker> {
  /** Value of the `service` field of every log line. */
  service: string;
  /** Parses the environment; throws `INVALID_CONFIG` listing every problem. */
  parseConfig(env: Readonly<Record<string, string | undefined>>): Config;
  createWorker(ports: Ports, context: WorkerContext<Config>): Worker;
}

export interface WorkerContext<Config> {
  config: Config;
  logger: Logger;
  metrics: WorkerMetrics;
}

export interface WorkerProcessOptions<Config, Ports> {
  env: Readonly<Record<string, string | undefined>>;
  process: ProcessHandle;
  /** Connects the adapters named by the config; `main.ts` passes the real ones. */
  connect: (config: Config, logger: Logger) => Promise<Ports>;
  /** Writer of config errors. Default stderr. */
  writeError?: (text: string) => void;
  /** Destination of log lines. Default stdout. */
  logDestination?: DestinationStream;
}

export interface WorkerProcess<Worker> {
  worker: Worker;
  health: HealthServer;
  /** Runs the orderly shutdown the first signal runs; safe to call twice. */
  drain(): Promise<boolean>;
}

/**
 * Resources an orderly shutdown closes, filled in as startup opens them: the consumer first,
 * then the ports in the order `connect` gave, then the health server.
 */
class ProcessResources {
  readonly startup = new AbortController();
  readonly #logger: Logger;
  readonly #steps: ShutdownStep[] = [];
  worker: ProcessWorker | undefined;
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

/** Exit code of a worker process whose configuration is invalid, as for `strata` usage errors. */
const CONFIG_EXIT_CODE = 2;

function parseOrReport<Config>(
  definition: WorkerProcessDefinition<Config, unknown, unknown>,
  options: WorkerProcessOptions<Config, unknown>,
): Config | undefined {
  try {
    return definition.parseConfig(options.env);
  } catch (error) {
    const write = options.writeError ?? ((text: string) => process.stderr.write(text));
    write(`${error instanceof Error ? error.message : String(error)}\n`);
    options.process.exit(CONFIG_EXIT_CODE);
    return undefined;
  }
}

async function connectAndStart<
  Config extends WorkerProcessConfig,
  Ports extends ClosablePorts,
  Worker extends ProcessWorker,
>(
  definition: WorkerProcessDefinition<Config, Ports, Worker>,
  options: WorkerProcessOptions<Config, Ports>,
  resources: ProcessResources,
  context: WorkerContext<Config>,
): Promise<Worker> {
  const { config, logger, metrics } = context;
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
  const worker = definition.createWorker(ports, context);
  resources.worker = worker;
  await worker.start();

  return worker;
}

/**
 * Runs a worker as a process: parses the config (exit 2 listing every problem when invalid),
 * installs signal handling, starts the health server, connects the ports with retries and starts
 * consuming. Resolves once the worker runs, or with undefined when it could not start. The
 * signal handlers end the process.
 */
export async function runWorkerProcess<
  Config extends WorkerProcessConfig,
  Ports extends ClosablePorts,
  Worker extends ProcessWorker,
>(
  definition: WorkerProcessDefinition<Config, Ports, Worker>,
  options: WorkerProcessOptions<Config, Ports>,
): Promise<WorkerProcess<Worker> | undefined> {
  const config = parseOrReport(definition, options);
  if (config === undefined) {
    return undefined;
  }

  const logger = createLogger({
    service: definition.service,
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
    resources.health = await startHealthServer({
      host: config.HTTP_HOST,
      port: config.HTTP_PORT,
      registry: metrics.registry,
      readiness: () => resources.worker?.readiness() ?? { ready: false, status: 'starting' },
      logger,
    });
    const context = { config, logger, metrics };
    const worker = await connectAndStart(definition, options, resources, context);

    return { worker, health: resources.health, drain };
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
