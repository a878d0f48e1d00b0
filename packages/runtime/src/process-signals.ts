import { constants } from 'node:os';
import type { Logger } from './create-logger.ts';

/** The parts of `process` that signal handling uses; tests pass a fake. */
export interface ProcessHandle {
  on(event: string, listener: (argument: unknown) => void): unknown;
  off(event: string, listener: (argument: unknown) => void): unknown;
  exit(code: number): void;
}

export interface SignalHandlingOptions {
  logger: Logger;
  /** Time the drain may take after the first signal before the process exits anyway. */
  graceMs: number;
  /**
   * Drains the worker: stop fetching, finish the batch, commit, disconnect, close stores.
   * Resolves true when every step succeeded.
   */
  drain: () => Promise<boolean>;
  process: ProcessHandle;
  /** Timer functions; tests pass fakes. Default the global ones. */
  setTimer?: (callback: () => void, delayMs: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;
type ShutdownSignal = (typeof SHUTDOWN_SIGNALS)[number];

/** Exit code of a process ended by `signal`, as shells report it: 128 + signal number. */
export function signalExitCode(signal: ShutdownSignal): number {
  return 128 + constants.signals[signal];
}

/**
 * Installs two-stage shutdown and last-resort error handling on a process. The first SIGTERM or
 * SIGINT starts `drain`, then exits 0 (1 when a drain step failed). A second signal, or
 * `graceMs` passing first, exits at once with 128 + signal number. An uncaught exception or
 * unhandled rejection is logged at fatal and exits 1. Returns a function that removes the
 * handlers.
 */
export function handleProcessSignals(options: SignalHandlingOptions): () => void {
  const { logger, process } = options;
  const setTimer = options.setTimer ?? ((callback, delayMs) => setTimeout(callback, delayMs));
  const clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as NodeJS.Timeout));
  let firstSignal: ShutdownSignal | undefined;

  const exitNow = (signal: ShutdownSignal, reason: string) => {
    logger.warn({ signal, reason }, 'exiting without finishing shutdown');
    process.exit(signalExitCode(signal));
  };

  const onSignal = (signal: ShutdownSignal) => {
    if (firstSignal !== undefined) {
      exitNow(signal, 'second signal');
      return;
    }

    firstSignal = signal;
    logger.info({ signal, graceMs: options.graceMs }, 'shutdown requested');
    const timer = setTimer(() => exitNow(signal, 'grace period over'), options.graceMs);
    void options.drain().then(
      (succeeded) => {
        clearTimer(timer);
        logger.info({ succeeded }, 'shutdown finished');
        process.exit(succeeded ? 0 : 1);
      },
      (error: unknown) => {
        clearTimer(timer);
        logger.fatal({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };

  const onFatal = (error: unknown) => {
    logger.fatal({ err: error }, 'uncaught error');
    process.exit(1);
  };

  const listeners = SHUTDOWN_SIGNALS.map((signal) => [signal, () => onSignal(signal)] as const);
  for (const [signal, listener] of listeners) {
    process.on(signal, listener);
  }
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);

  return () => {
    for (const [signal, listener] of listeners) {
      process.off(signal, listener);
    }
    process.off('uncaughtException', onFatal);
    process.off('unhandledRejection', onFatal);
  };
}
