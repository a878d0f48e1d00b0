import type { ConsumedBatch, ConsumedMessage, SubscribeOptions } from '@strata/core';

export interface BatchRecorderOptions {
  /** Number of batches to reject before accepting. Default 0. */
  failures?: number;
}

/** An `eachBatch` handler for tests that records what it receives and can fail on request. */
export class BatchRecorder {
  readonly #accepted: ConsumedMessage[] = [];
  readonly #failed: ConsumedMessage[][] = [];
  readonly #failuresLeft: { count: number };
  readonly #waiters = new Set<() => void>();

  constructor(options: BatchRecorderOptions = {}) {
    this.#failuresLeft = { count: options.failures ?? 0 };
  }

  options(groupId: string, topics: readonly string[], fromBeginning: boolean): SubscribeOptions {
    return { groupId, topics, fromBeginning, eachBatch: (batch) => this.#handle(batch) };
  }

  messages(): ConsumedMessage[] {
    return [...this.#accepted];
  }

  failedBatches(): ConsumedMessage[][] {
    return [...this.#failed];
  }

  /** Resolves once `count` messages were accepted; rejects after `timeoutMs` (default 30 s). */
  waitForMessages(count: number, timeoutMs = 30_000): Promise<ConsumedMessage[]> {
    return this.#waitFor(() => this.#accepted.length >= count, timeoutMs, `${count} messages`).then(
      () => this.messages(),
    );
  }

  /** Resolves once `count` batches were rejected. */
  waitForFailures(count: number, timeoutMs = 30_000): Promise<void> {
    return this.#waitFor(() => this.#failed.length >= count, timeoutMs, `${count} failures`);
  }

  #handle(batch: ConsumedBatch): Promise<void> {
    if (this.#failuresLeft.count > 0) {
      this.#failuresLeft.count -= 1;
      this.#failed.push(batch.messages);
      this.#wake();
      return Promise.reject(new Error(`rejected batch at offset ${batch.messages[0]?.offset}`));
    }

    this.#accepted.push(...batch.messages);
    this.#wake();
    return Promise.resolve();
  }

  #wake(): void {
    for (const wake of [...this.#waiters]) {
      wake();
    }
  }

  #waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (done()) {
          clearTimeout(timer);
          this.#waiters.delete(check);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }
}
