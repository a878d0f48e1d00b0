import { StrataError } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs, retry } from './retry.ts';
import { createMemoryLogger } from './test-logger.ts';

const transient = () =>
  new StrataError('SERVICE_UNAVAILABLE', 'store unreachable', { retryable: true });

describe('backoffDelayMs', () => {
  it('doubles up to the maximum', () => {
    const delays = [1, 2, 3, 4, 10].map((attempt) => backoffDelayMs(attempt, 100, 500, () => 1));

    expect(delays).toEqual([100, 200, 400, 500, 500]);
  });

  it('keeps at least half of the delay', () => {
    expect(backoffDelayMs(3, 100, 10_000, () => 0)).toBe(200);
  });
});

describe('retry', () => {
  it('retries retryable failures until success', async () => {
    const { logger, lines } = createMemoryLogger();
    const seen: number[] = [];
    const result = await retry(
      (attempt) => {
        seen.push(attempt);
        return attempt < 4 ? Promise.reject(transient()) : Promise.resolve('stored');
      },
      { operation: 'upsert', signal: new AbortController().signal, logger, initialDelayMs: 1 },
    );

    expect(result).toBe('stored');
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(lines.filter((line) => line.level === 'warn')).toHaveLength(3);
    expect(lines[0]).toMatchObject({
      operation: 'upsert',
      attempt: 1,
      msg: 'retrying after failure',
    });
  });

  it('throws a non-retryable failure at once', async () => {
    const { logger } = createMemoryLogger();
    let attempts = 0;
    const failing = retry(
      () => {
        attempts += 1;
        return Promise.reject(new StrataError('INVALID_EVENT', 'bad digest'));
      },
      { operation: 'parse', signal: new AbortController().signal, logger },
    );

    await expect(failing).rejects.toMatchObject({ code: 'INVALID_EVENT' });
    expect(attempts).toBe(1);
  });

  it('stops waiting when the signal aborts', async () => {
    const { logger } = createMemoryLogger();
    const controller = new AbortController();
    const reason = new Error('shutting down');
    let attempts = 0;
    const failing = retry(
      () => {
        attempts += 1;
        return Promise.reject(transient());
      },
      {
        operation: 'publish',
        signal: controller.signal,
        logger,
        initialDelayMs: 3_600_000,
        onRetry: () => controller.abort(reason),
      },
    );

    await expect(failing).rejects.toBe(reason);
    expect(attempts).toBe(1);
  });

  it('reports each retry to onRetry', async () => {
    const { logger } = createMemoryLogger();
    const retries: number[] = [];
    await retry((attempt) => (attempt < 3 ? Promise.reject(transient()) : Promise.resolve()), {
      operation: 'index',
      signal: new AbortController().signal,
      logger,
      initialDelayMs: 1,
      onRetry: (attempt) => retries.push(attempt),
    });

    expect(retries).toEqual([1, 2]);
  });
});
