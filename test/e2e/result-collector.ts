import { setTimeout as sleep } from 'node:timers/promises';
import type { BusMessage, ConsumedMessage, Subscription } from '@strata/core';
import { createKafka, KafkaEventBus } from '@strata/kafka';
import { createLogger } from '@strata/runtime';

/** Time between two checks of a condition, in milliseconds. */
const POLL_MS = 250;

/** The latest record of one key on one topic, with the value parsed. */
export interface LatestResult {
  version: number;
  /** Null for a tombstone. */
  value: Record<string, unknown> | null;
  headers: Record<string, string>;
}

/** Creates a Kafka event bus of the test itself, separate from the workers' clients. */
export function testBus(brokers: string): KafkaEventBus {
  const logger = createLogger({ service: 'e2e-test', level: 'warn' });
  const list = brokers.split(',');

  return new KafkaEventBus({
    kafka: createKafka({ brokers: list, logger }),
    brokers: list,
    logger,
  });
}

/** Publishes JSON events keyed by the digest `keyOf` returns. */
export async function publishJson<T>(
  bus: KafkaEventBus,
  topic: string,
  events: readonly T[],
  keyOf: (event: T) => string,
): Promise<void> {
  const messages: BusMessage[] = events.map((event) => ({
    key: keyOf(event),
    value: Buffer.from(JSON.stringify(event)),
    headers: {},
  }));
  await bus.publish(topic, messages);
}

/**
 * Reads result topics from the beginning in a group of its own and keeps the record with the
 * highest `ce_strataversion` of each key, as a consumer that drops stale results does.
 */
export class ResultCollector {
  readonly #latest = new Map<string, Map<string, LatestResult>>();
  #subscription: Subscription | undefined;
  received = 0;

  async start(bus: KafkaEventBus, topics: readonly string[], groupId: string): Promise<void> {
    for (const topic of topics) {
      this.#latest.set(topic, new Map());
    }
    this.#subscription = await bus.subscribe({
      groupId,
      topics,
      fromBeginning: true,
      eachBatch: (batch) => {
        for (const message of batch.messages) this.#keep(message);
        return Promise.resolve();
      },
    });
  }

  /** Latest result per key on `topic`. */
  latest(topic: string): ReadonlyMap<string, LatestResult> {
    return this.#latest.get(topic) ?? new Map();
  }

  async stop(): Promise<void> {
    await this.#subscription?.stop();
  }

  #keep(message: ConsumedMessage): void {
    this.received += 1;
    const results = this.#latest.get(message.topic);
    const version = Number(message.headers.ce_strataversion ?? '0');
    const key = message.key ?? '';
    const current = results?.get(key);
    if (results === undefined || (current !== undefined && current.version > version)) {
      return;
    }

    const value =
      message.value === null
        ? null
        : (JSON.parse(message.value.toString('utf8')) as Record<string, unknown>);
    results.set(key, { version, value, headers: message.headers });
  }
}

/**
 * Polls `check` until it returns no problems, or fails after `timeoutMs` with the last
 * problems and `context()` (such as the workers' output) in the message.
 */
export async function waitForNoProblems(
  what: string,
  check: () => string[],
  timeoutMs: number,
  context: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let problems = check();
  while (problems.length > 0) {
    if (Date.now() > deadline) {
      const listed = problems.slice(0, 20).join('\n  ');
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; ${problems.length} problem(s):\n  ` +
          `${listed}\n${context()}`,
      );
    }

    await sleep(POLL_MS);
    problems = check();
  }
}
