import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { uniqueName } from '@strata/contract-tests';
import { DedicatedKafka, freePort } from '@strata/testkit';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from './kafka-client.ts';
import { KafkaEventBus } from './kafka-event-bus.ts';

const logger = pino({ level: process.env.STRATA_TEST_LOG_LEVEL ?? 'silent' });
/** Publishers sharing one bus, as the records of a batch do in a worker. */
const PUBLISHERS = 16;
/** Broker restarts while they publish. */
const RESTARTS = 3;

let runDirectory = '';
let kafka: DedicatedKafka;

beforeAll(async () => {
  runDirectory = await mkdtemp(join(tmpdir(), 'strata-kafka-restart-'));
  kafka = new DedicatedKafka(runDirectory, await freePort(), await freePort());
  await kafka.up();
}, 180_000);

afterAll(async () => {
  await kafka.down();
  await rm(runDirectory, { recursive: true, force: true });
}, 120_000);

function createBus() {
  const brokers = [kafka.broker];
  const client = createKafka({ brokers, logger, retries: 3 });

  return new KafkaEventBus({
    kafka: client,
    brokers,
    logger,
    numPartitions: 3,
    replicationFactor: 1,
    publishTimeoutMs: 5000,
  });
}

/** Publishes one record until the bus acknowledges it, as a worker's retry does. */
async function publishUntilAcknowledged(bus: KafkaEventBus, topic: string, value: string) {
  for (;;) {
    try {
      await bus.publish(topic, [{ key: value, value: Buffer.from(value), headers: {} }]);
      return;
    } catch {
      await delay(100);
    }
  }
}

/**
 * Reads the topic from the beginning in a new group until every expected value arrived or a
 * minute passed. A new group can be handed some records twice around a rebalance, so the reader
 * waits for the values themselves, not for a count.
 */
async function readUntilSeen(
  bus: KafkaEventBus,
  topic: string,
  expected: readonly string[],
): Promise<Set<string>> {
  const values = new Set<string>();
  const subscription = await bus.subscribe({
    groupId: uniqueName('strata-restart-reader'),
    topics: [topic],
    fromBeginning: true,
    eachBatch: (batch) => {
      for (const message of batch.messages) {
        values.add(String(message.value));
      }
      return Promise.resolve();
    },
  });
  const deadline = Date.now() + 60_000;
  while (!expected.every((value) => values.has(value)) && Date.now() < deadline) {
    await delay(200);
  }
  await subscription.stop();

  return values;
}

describe('KafkaEventBus across a broker restart', () => {
  it('keeps every record it acknowledged to concurrent publishers', async () => {
    const bus = createBus();
    const topic = uniqueName('strata-restart');
    await bus.ensureTopics([topic]);
    const acknowledged: string[] = [];
    let publishing = true;
    const publishers = Array.from({ length: PUBLISHERS }, async (_, publisher) => {
      for (let sequence = 0; publishing; sequence += 1) {
        const value = `${publisher}-${sequence}`;
        await publishUntilAcknowledged(bus, topic, value);
        acknowledged.push(value);
      }
    });
    await delay(1000);
    const beforeRestart = acknowledged.length;
    let afterRestart = 0;
    for (let restart = 0; restart < RESTARTS; restart += 1) {
      await kafka.down();
      await kafka.up();
      afterRestart = acknowledged.length;
      await delay(1000);
    }
    publishing = false;
    await Promise.all(publishers);
    const stored = await readUntilSeen(bus, topic, acknowledged);
    await bus.close();

    expect(beforeRestart).toBeGreaterThan(0);
    expect(acknowledged.length).toBeGreaterThan(afterRestart);
    expect(acknowledged.filter((value) => !stored.has(value))).toEqual([]);
  }, 180_000);
});
