import { setTimeout as sleep } from 'node:timers/promises';
import { isRetryable as isRetryableStrataError } from '@strata/core';
import type { Logger } from './create-logger.ts';

export interface RetryOptions {
  /** Name of the operation, logged and used as the `operation` metric label. */
  operation: string;
  /** Aborting it stops retrying: the pending delay ends and the abort reason is thrown. */
  signal: AbortSignal;
  logger: Logger;
  /** Delay before the first retry; it doubles after each failure. Default 200 ms. */
  initialDelayMs?: number;
  /** Upper bound of the delay. Default 30 s. */
  maxDelayMs?: number;
  /** Source of jitter in [0, 1). Default `Math.random`. */
  random?: () => number;
  /** Decides whether an error is transient. Default: a StrataError with `retryable` set. */
  isRetryable?: (error: unknown) => boolean;
  /** Called before each delay, for metrics. */
  onRetry?: (attempt: number, delayMs: number, error: unknown) => void;
  /** Ids logged with each retry, such as `imageDigest`. */
  logFields?: Readonly<Record<string, unknown>>;
}

/**
 * Returns the delay before retry number `attempt` (1-based): half of the exponential delay plus
 * a random part of the other half, so workers that failed together do not retry together.
 */
export function backoffDelayMs(
  attempt: number,
  initialDelayMs: number,
  maxDelayMs: number,
  random: () => number,
): number {
  const exponential = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(attempt - 1, 30));

  return Math.round(exponential / 2 + random() * (exponential / 2));
}

async function wait(delayMs: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(delayMs, undefined, { signal });
  } catch (error) {
    signal.throwIfAborted();
    throw error;
  }
}

/**
 * Runs `work` until it succeeds. A retryable failure is logged at warn with the attempt and the
 * delay, then retried with exponential backoff and jitter, without limit on the number of
 * attempts. A non-retryable failure is thrown at once. When `signal` aborts, no further attempt
 * starts and `signal.reason` is thrown; an attempt already running is awaited.
 */
export async function retry<T>(
  work: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const isRetryable = options.isRetryable ?? isRetryableStrataError;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt += 1) {
    options.signal.throwIfAborted();
    try {
      return await work(attempt);
    } catch (error) {
      if (!isRetryable(error)) {
        throw error;
      }

      const delayMs = backoffDelayMs(
        attempt,
        options.initialDelayMs ?? 200,
        options.maxDelayMs ?? 30_000,
        random,
      );
      options.logger.warn(
        { ...options.logFields, err: error, operation: options.operation, attempt, delayMs },
        'retrying after failure',
      );
      options.onRetry?.(attempt, delayMs, error);
      await wait(delayMs, options.signal);
    }
  }
}
