import type { Logger } from './create-logger.ts';

/** One step of an orderly shutdown, such as `commit offsets` or `close image store`. */
export interface ShutdownStep {
  name: string;
  run(): Promise<void>;
}

/**
 * Runs shutdown steps in order, logging each at info when it ends and at error when it fails.
 * A failing step does not stop the next one. Returns true when every step succeeded.
 */
export async function runShutdownSteps(
  steps: readonly ShutdownStep[],
  logger: Logger,
  now: () => number = Date.now,
): Promise<boolean> {
  let succeeded = true;
  for (const step of steps) {
    const startedAt = now();
    try {
      await step.run();
      logger.info({ step: step.name, durationMs: now() - startedAt }, 'shutdown step done');
    } catch (error) {
      succeeded = false;
      logger.error({ err: error, step: step.name }, 'shutdown step failed');
    }
  }

  return succeeded;
}

/**
 * Wraps an async close function so calling it again returns the first call's promise instead of
 * closing twice.
 */
export function closeOnce(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;

  return () => {
    closing ??= close();
    return closing;
  };
}
