import type { BusMessage, EventBus, SubscribeOptions, Subscription } from '@strata/core';
import { StrataError } from '@strata/core';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { toStrataError } from './kafka-errors.ts';
import { KafkaSubscription } from './kafka-subscription.ts';

/** Attempts of `subscribe` on retriable failures, such as a topic the group's broker lacks yet. */
const SUBSCRIBE_ATTEMPTS = 5;
/** Delay before the second attempt of `subscribe`; later attempts wait longer, linearly. */
const SUBSCRIBE_RETRY_DELAY_MS = 500;

export interface KafkaEventBusOptions {
  kafka: Kafka;
  /** Brokers, for error messages. */
  brokers: readonly string[];
  logger: Logger;
  /**
   * Idempotent producer, so broker-side retries write no duplicates. Needs Kafka 0.11 or newer,
   * and the IdempotentWrite permission where ACLs apply. Default true.
   */
  idempotent?: boolean;
  /** Time after which `publish` fails with a retryable error. Default 30000 ms. */
  publishTimeoutMs?: number;
  /** Max messages per produce request. Default 500. */
  maxMessagesPerRequest?: number;
  /** Partitions of topics that `ensureTopics` creates; -1 takes the broker default. Default -1. */
  numPartitions?: number;
  /** Replication factor of created topics; -1 takes the broker default. Default -1. */
  replicationFactor?: number;
  /** Consumer session timeout. Default 30000 ms. */
  sessionTimeoutMs?: number;
  /** Heartbeat interval, also while a batch handler runs. Default 3000 ms. */
  heartbeatIntervalMs?: number;
  /** Delay before a failed batch is fetched again, doubled per failure. Default 500 ms. */
  retryInitialDelayMs?: number;
  /** Max of that delay. Default 30000 ms. */
  retryMaxDelayMs?: number;
  /** Time `subscribe` waits for the group join. Default 30000 ms. */
  joinTimeoutMs?: number;
  /** Partitions one consumer handles at the same time. Default 1. */
  partitionsConsumedConcurrently?: number;
}

/**
 * The event bus over Kafka with kafkajs: acks from all in-sync replicas, an idempotent producer,
 * and consumer groups that commit a batch only after its handler resolves.
 */
export class KafkaEventBus implements EventBus {
  readonly #options: KafkaEventBusOptions;
  readonly #subscriptions = new Set<Subscription>();
  #producer: Promise<Producer> | null = null;
  #admin: Promise<Admin> | null = null;

  constructor(options: KafkaEventBusOptions) {
    this.#options = options;
  }

  async publish(topic: string, messages: readonly BusMessage[]): Promise<void> {
    const producer = await this.#connectedProducer();
    const size = this.#options.maxMessagesPerRequest ?? 500;
    for (let start = 0; start < messages.length; start += size) {
      const chunk = messages.slice(start, start + size).map((message) => ({
        key: message.key,
        value: message.value,
        headers: message.headers,
      }));
      await this.#withTimeout('publish', { topic, count: chunk.length }, () =>
        producer.send({ topic, messages: chunk, acks: -1 }),
      );
    }
  }

  /**
   * Joins the group and starts consuming. A topic created moments ago can still be unknown to the
   * broker that serves the group's metadata, so retriable start failures are retried up to
   * `SUBSCRIBE_ATTEMPTS` times before the error reaches the caller.
   */
  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.#subscribeOnce(options);
      } catch (error) {
        if (attempt >= SUBSCRIBE_ATTEMPTS || !(error instanceof StrataError && error.retryable)) {
          throw error;
        }
        this.#options.logger.warn(
          { err: error, groupId: options.groupId, attempt },
          'subscribe failed, retrying',
        );
        await delay(SUBSCRIBE_RETRY_DELAY_MS * attempt);
      }
    }
  }

  async #subscribeOnce(options: SubscribeOptions): Promise<Subscription> {
    const settings = this.#options;
    const logger = settings.logger.child({ groupId: options.groupId });
    const consumer = settings.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: settings.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: settings.heartbeatIntervalMs ?? 3000,
      retry: { restartOnFailure: () => Promise.resolve(true) },
    });
    const subscription = new KafkaSubscription({
      consumer,
      subscribe: options,
      logger,
      heartbeatIntervalMs: settings.heartbeatIntervalMs ?? 3000,
      retryInitialDelayMs: settings.retryInitialDelayMs ?? 500,
      retryMaxDelayMs: settings.retryMaxDelayMs ?? 30_000,
      joinTimeoutMs: settings.joinTimeoutMs ?? 30_000,
      partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently ?? 1,
    });
    try {
      await subscription.start();
    } catch (error) {
      await subscription.stop().catch(() => undefined);
      throw toStrataError(error, 'subscribe', settings.brokers, { groupId: options.groupId });
    }

    this.#subscriptions.add(subscription);
    return {
      stop: async () => {
        this.#subscriptions.delete(subscription);
        await subscription.stop();
      },
    };
  }

  async ensureTopics(topics: readonly string[]): Promise<void> {
    const admin = await this.#connectedAdmin();
    const numPartitions = this.#options.numPartitions ?? -1;
    const replicationFactor = this.#options.replicationFactor ?? -1;
    try {
      await admin.createTopics({
        topics: topics.map((topic) => ({ topic, numPartitions, replicationFactor })),
        waitForLeaders: true,
      });
    } catch (error) {
      if (!isTopicExistsError(error)) {
        throw toStrataError(error, 'ensureTopics', this.#options.brokers, { topics });
      }
    }
  }

  /** Stops every subscription, then disconnects the producer and the admin client. */
  async close(): Promise<void> {
    const subscriptions = [...this.#subscriptions];
    this.#subscriptions.clear();
    const results = await Promise.allSettled([
      ...subscriptions.map((subscription) => subscription.stop()),
    ]);
    const producer = this.#producer;
    const admin = this.#admin;
    this.#producer = null;
    this.#admin = null;
    results.push(
      ...(await Promise.allSettled([
        producer?.then((client) => client.disconnect()),
        admin?.then((client) => client.disconnect()),
      ])),
    );
    for (const result of results) {
      if (result.status === 'rejected') {
        this.#options.logger.error({ err: result.reason }, 'event bus close step failed');
      }
    }
  }

  #connectedProducer(): Promise<Producer> {
    this.#producer ??= this.#connect('connect producer', () => {
      const idempotent = this.#options.idempotent ?? true;
      const producer = this.#options.kafka.producer({
        idempotent,
        // kafkajs requires unlimited retries for an idempotent producer; publishTimeoutMs bounds them.
        ...(idempotent ? { retry: { retries: Number.MAX_SAFE_INTEGER } } : {}),
        maxInFlightRequests: idempotent ? 1 : undefined,
      });
      return producer.connect().then(() => producer);
    });

    return this.#producer.catch((error: unknown) => {
      this.#producer = null;
      throw error;
    });
  }

  #connectedAdmin(): Promise<Admin> {
    this.#admin ??= this.#connect('connect admin', () => {
      const admin = this.#options.kafka.admin();
      return admin.connect().then(() => admin);
    });

    return this.#admin.catch((error: unknown) => {
      this.#admin = null;
      throw error;
    });
  }

  #connect<T>(operation: string, connect: () => Promise<T>): Promise<T> {
    return this.#withTimeout(operation, {}, connect);
  }

  /** Runs a Kafka call with the publish timeout and maps its errors. */
  async #withTimeout<T>(
    operation: string,
    details: Record<string, unknown>,
    action: () => Promise<T>,
  ): Promise<T> {
    const timeoutMs = this.#options.publishTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const message = `Kafka ${operation} timed out after ${timeoutMs} ms`;
        reject(new StrataError('SERVICE_UNAVAILABLE', message, { retryable: true, details }));
      }, timeoutMs);
    });
    try {
      // NOTE: a timed-out send may still reach the broker later, so a retry can duplicate it.
      return await Promise.race([action(), timeout]);
    } catch (error) {
      throw toStrataError(error, operation, this.#options.brokers, details);
    } finally {
      clearTimeout(timer);
    }
  }
}

function isTopicExistsError(error: unknown): boolean {
  const shape = error as { type?: unknown; errors?: { type?: unknown }[] } | null;
  if (shape?.type === 'TOPIC_ALREADY_EXISTS') {
    return true;
  }

  const errors = Array.isArray(shape?.errors) ? shape.errors : [];
  return errors.length > 0 && errors.every((inner) => inner.type === 'TOPIC_ALREADY_EXISTS');
}
