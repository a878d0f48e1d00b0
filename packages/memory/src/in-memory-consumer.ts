import type { ConsumedMessage, SubscribeOptions, Subscription } from '@strata/core';
import type { Logger } from 'pino';
import { sleep } from './change-notifier.ts';
import type { ChangeNotifier } from './change-notifier.ts';

/** Committed offsets and members of one consumer group, shared by its consumers. */
export interface ConsumerGroupState {
  /** Next offset to consume, per topic. */
  committed: Map<string, number>;
  /** Members in join order; the first member subscribed to a topic consumes it. */
  members: InMemoryConsumer[];
}

export interface InMemoryConsumerOptions {
  subscribe: SubscribeOptions;
  group: ConsumerGroupState;
  logs: ReadonlyMap<string, ConsumedMessage[]>;
  notifier: ChangeNotifier;
  maxBatchSize: number;
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
  logger: Logger;
  onStopped: () => void;
}

/** One member of a consumer group of the in-memory event bus. */
export class InMemoryConsumer implements Subscription {
  readonly #options: InMemoryConsumerOptions;
  readonly #abort = new AbortController();
  /** Start offset per topic, used while the group has no committed offset there. */
  readonly #startOffsets: Map<string, number>;
  readonly #failures = new Map<string, number>();
  #running: Promise<void> | null = null;

  constructor(options: InMemoryConsumerOptions) {
    this.#options = options;
    const { fromBeginning } = options.subscribe;
    this.#startOffsets = new Map(
      [...options.logs].map(([topic, log]) => [topic, fromBeginning ? 0 : log.length]),
    );
  }

  start(): void {
    this.#options.group.members.push(this);
    this.#running = this.#run();
  }

  /** Stops fetching, waits for the batch in flight, then leaves the group. Safe to call twice. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#running;
    const members = this.#options.group.members;
    const index = members.indexOf(this);
    if (index >= 0) {
      members.splice(index, 1);
      this.#options.onStopped();
      this.#options.notifier.notify();
    }
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      const seenVersion = this.#options.notifier.version;
      let delivered = false;
      for (const topic of this.#options.subscribe.topics) {
        if (!signal.aborted && this.#owns(topic)) {
          delivered = (await this.#deliver(topic)) || delivered;
        }
      }

      if (!delivered) {
        await this.#options.notifier.wait(signal, seenVersion);
      }
    }
  }

  #owns(topic: string): boolean {
    const owner = this.#options.group.members.find((member) =>
      member.#options.subscribe.topics.includes(topic),
    );

    return owner === this;
  }

  /** Delivers one batch of `topic`, if any; returns whether there was one. */
  async #deliver(topic: string): Promise<boolean> {
    const { group, logs, maxBatchSize, subscribe } = this.#options;
    const log = logs.get(topic) ?? [];
    const from = group.committed.get(topic) ?? this.#startOffsets.get(topic) ?? 0;
    const messages = log.slice(from, from + maxBatchSize).map(copyMessage);
    if (messages.length === 0) {
      return false;
    }

    const signal = this.#abort.signal;
    try {
      await subscribe.eachBatch({ topic, partition: 0, messages, signal });
    } catch (error) {
      await this.#backOff(topic, from, error);
      return true;
    }

    group.committed.set(topic, from + messages.length);
    this.#failures.delete(topic);
    return true;
  }

  async #backOff(topic: string, offset: number, error: unknown): Promise<void> {
    const failures = (this.#failures.get(topic) ?? 0) + 1;
    this.#failures.set(topic, failures);
    const { retryInitialDelayMs, retryMaxDelayMs, logger } = this.#options;
    const delayMs = Math.min(retryMaxDelayMs, retryInitialDelayMs * 2 ** (failures - 1));
    logger.warn(
      { err: error, topic, partition: 0, offset: String(offset), failures, delayMs },
      'batch failed, delivering it again',
    );
    await sleep(delayMs, this.#abort.signal);
  }
}

function copyMessage(message: ConsumedMessage): ConsumedMessage {
  return {
    ...message,
    value: message.value === null ? null : Buffer.from(message.value),
    headers: { ...message.headers },
  };
}
