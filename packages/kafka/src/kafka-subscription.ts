import { setTimeout as delay } from 'node:timers/promises';
import type { SubscribeOptions, Subscription } from '@strata/core';
import type { Consumer, EachBatchPayload } from 'kafkajs';
import type { Logger } from 'pino';

import { toConsumedMessage } from './consumed-message.ts';

export interface KafkaSubscriptionOptions {
  consumer: Consumer;
  subscribe: SubscribeOptions;
  logger: Logger;
  /** Time between heartbeats while a batch handler runs. */
  heartbeatIntervalMs: number;
  /** Delay before a failed batch is fetched again, doubled per failure up to the max. */
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
  /** Time to wait for the group join before `start` resolves anyway. */
  joinTimeoutMs: number;
  partitionsConsumedConcurrently: number;
}

/**
 * A running consumer group member. Offsets are resolved only after the handler resolves, and
 * kafkajs commits them right after the batch (auto-commit without interval or threshold). A
 * rejected batch stays unresolved, so the next fetch of that partition returns it again.
 */
export class KafkaSubscription implements Subscription {
  readonly #options: KafkaSubscriptionOptions;
  readonly #abort = new AbortController();
  readonly #failures = new Map<string, number>();
  #stopping: Promise<void> | null = null;

  constructor(options: KafkaSubscriptionOptions) {
    this.#options = options;
  }

  /** Joins the group and starts consuming; resolves once joined or after `joinTimeoutMs`. */
  async start(): Promise<void> {
    const { consumer, subscribe, logger } = this.#options;
    const joined = this.#waitForJoin();
    await consumer.connect();
    await consumer.subscribe({
      topics: [...subscribe.topics],
      fromBeginning: subscribe.fromBeginning,
    });
    await consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.#options.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.#handle(payload),
    });
    if (!(await joined)) {
      logger.warn({ timeoutMs: this.#options.joinTimeoutMs }, 'group join still pending');
    }
  }

  /** Stops fetching, lets the batch in flight finish and commit, then leaves the group. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();

    return this.#stopping;
  }

  async #stop(): Promise<void> {
    this.#abort.abort();
    const { consumer, logger } = this.#options;
    try {
      await consumer.stop();
    } finally {
      await consumer.disconnect();
      logger.info('consumer stopped');
    }
  }

  #waitForJoin(): Promise<boolean> {
    const { consumer, joinTimeoutMs } = this.#options;

    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(false), joinTimeoutMs);
      const removeJoin = consumer.on(consumer.events.GROUP_JOIN, () => finish(true));
      const removeCrash = consumer.on(consumer.events.CRASH, () => finish(false));
      function finish(joined: boolean): void {
        clearTimeout(timer);
        removeJoin();
        removeCrash();
        resolve(joined);
      }
    });
  }

  async #handle(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (!payload.isRunning() || payload.isStale() || batch.messages.length === 0) {
      return;
    }

    const { topic, partition } = batch;
    const messages = batch.messages.map((message) => toConsumedMessage(topic, partition, message));
    const signal = this.#abort.signal;
    const beat = setInterval(() => {
      payload.heartbeat().catch((error: unknown) => {
        this.#options.logger.warn({ err: error, topic, partition }, 'heartbeat failed');
      });
    }, this.#options.heartbeatIntervalMs);
    try {
      const highWatermark = batch.highWatermark;
      await this.#options.subscribe.eachBatch({
        topic,
        partition,
        messages,
        signal,
        highWatermark,
      });
    } catch (error) {
      await this.#backOff(topic, partition, batch.firstOffset() ?? '', error);
      return;
    } finally {
      clearInterval(beat);
    }

    this.#failures.delete(`${topic}:${partition}`);
    payload.resolveOffset(batch.lastOffset());
    await payload.heartbeat();
  }

  async #backOff(topic: string, partition: number, offset: string, error: unknown): Promise<void> {
    const key = `${topic}:${partition}`;
    const failures = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, failures);
    const { retryInitialDelayMs, retryMaxDelayMs, logger } = this.#options;
    const delayMs = Math.min(retryMaxDelayMs, retryInitialDelayMs * 2 ** (failures - 1));
    logger.warn(
      { err: error, topic, partition, offset, failures, delayMs },
      'batch failed, fetching it again',
    );
    await delay(delayMs, undefined, { signal: this.#abort.signal }).catch(() => undefined);
  }
}
