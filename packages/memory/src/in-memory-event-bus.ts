import type {
  BusMessage,
  ConsumedMessage,
  EventBus,
  SubscribeOptions,
  Subscription,
} from '@strata/core';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { ChangeNotifier } from './change-notifier.ts';
import { InMemoryConsumer } from './in-memory-consumer.ts';
import type { ConsumerGroupState } from './in-memory-consumer.ts';

export interface InMemoryEventBusOptions {
  /** Max records handed to one `eachBatch` call. Default 100. */
  maxBatchSize?: number;
  /** Delay before a failed batch is delivered again, doubled per failure. Default 100 ms. */
  retryInitialDelayMs?: number;
  /** Upper bound of that delay. Default 5000 ms. */
  retryMaxDelayMs?: number;
  /** Source of record timestamps, in milliseconds since the epoch. Default `Date.now`. */
  clock?: () => number;
  logger?: Logger;
}

/**
 * The event bus in process memory, for embedded runs and tests. Each topic has one partition, so
 * records keep the order in which they were published. Consumer groups behave as in Kafka. One
 * member of a group consumes a topic at a time. Offsets are committed only after `eachBatch`
 * resolves, and a rejected batch is delivered again after a delay. A group resumes at its
 * committed offset when a member subscribes again.
 */
export class InMemoryEventBus implements EventBus {
  readonly #topics = new Map<string, ConsumedMessage[]>();
  readonly #groups = new Map<string, ConsumerGroupState>();
  readonly #consumers = new Set<InMemoryConsumer>();
  readonly #notifier = new ChangeNotifier();
  readonly #options: Required<Omit<InMemoryEventBusOptions, 'logger'>>;
  readonly #logger: Logger;

  constructor(options: InMemoryEventBusOptions = {}) {
    this.#options = {
      maxBatchSize: options.maxBatchSize ?? 100,
      retryInitialDelayMs: options.retryInitialDelayMs ?? 100,
      retryMaxDelayMs: options.retryMaxDelayMs ?? 5000,
      clock: options.clock ?? Date.now,
    };
    this.#logger = options.logger ?? pino({ level: 'silent' });
  }

  publish(topic: string, messages: readonly BusMessage[]): Promise<void> {
    const log = this.#topic(topic);
    const timestamp = this.#options.clock();
    for (const message of messages) {
      log.push({
        key: message.key,
        value: message.value === null ? null : Buffer.from(message.value),
        headers: { ...message.headers },
        topic,
        partition: 0,
        offset: String(log.length),
        timestamp,
      });
    }

    this.#notifier.notify();
    return Promise.resolve();
  }

  subscribe(options: SubscribeOptions): Promise<Subscription> {
    const group = this.#group(options.groupId);
    const logs = new Map(options.topics.map((topic) => [topic, this.#topic(topic)]));
    const consumer = new InMemoryConsumer({
      ...this.#options,
      subscribe: options,
      group,
      logs,
      notifier: this.#notifier,
      logger: this.#logger.child({ groupId: options.groupId }),
      onStopped: () => this.#consumers.delete(consumer),
    });
    this.#consumers.add(consumer);
    consumer.start();

    return Promise.resolve(consumer);
  }

  ensureTopics(topics: readonly string[]): Promise<void> {
    for (const topic of topics) {
      this.#topic(topic);
    }

    return Promise.resolve();
  }

  /** Stops every subscription; each lets its batch in flight finish first. */
  async close(): Promise<void> {
    await Promise.all([...this.#consumers].map((consumer) => consumer.stop()));
  }

  /** Returns the committed offset of a group on a topic: the next offset it will consume. */
  committedOffset(groupId: string, topic: string): number | null {
    return this.#groups.get(groupId)?.committed.get(topic) ?? null;
  }

  /** Returns the number of records published to a topic so far. */
  topicLength(topic: string): number {
    return this.#topics.get(topic)?.length ?? 0;
  }

  #topic(topic: string): ConsumedMessage[] {
    const existing = this.#topics.get(topic);
    if (existing !== undefined) {
      return existing;
    }

    const created: ConsumedMessage[] = [];
    this.#topics.set(topic, created);
    return created;
  }

  #group(groupId: string): ConsumerGroupState {
    const existing = this.#groups.get(groupId);
    if (existing !== undefined) {
      return existing;
    }

    const created: ConsumerGroupState = { committed: new Map(), members: [] };
    this.#groups.set(groupId, created);
    return created;
  }
}
