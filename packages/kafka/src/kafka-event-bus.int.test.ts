import { BatchRecorder, eventBusContract, uniqueName } from '@strata/contract-tests';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createKafka } from './kafka-client.ts';
import { KafkaEventBus } from './kafka-event-bus.ts';
import { KafkaGroupAdmin } from './kafka-group-admin.ts';

const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter((broker) => broker !== '');
const logger = pino({ level: process.env.STRATA_TEST_LOG_LEVEL ?? 'silent' });

function createBus(options: { numPartitions?: number } = {}) {
  if (brokers.length === 0) {
    throw new Error('KAFKA_BROKERS is not set; run the integration project, whose setup sets it');
  }

  const kafka = createKafka({ brokers, logger, retries: 3 });
  const bus = new KafkaEventBus({
    kafka,
    brokers,
    logger,
    numPartitions: options.numPartitions ?? 3,
    replicationFactor: 1,
    retryInitialDelayMs: 100,
  });

  return { kafka, bus };
}

// NOTE: topics created by these tests stay on the broker, because deleting them on every test
// slows the suite down. Each test uses topic names of its own.
eventBusContract('Kafka', () => {
  const { bus } = createBus();

  return Promise.resolve({ subject: bus, cleanup: () => bus.close() });
});

describe('KafkaEventBus', () => {
  it('moves partitions to the remaining member of a group', async () => {
    const { bus } = createBus({ numPartitions: 2 });
    const topic = uniqueName('strata-rebalance');
    const groupId = uniqueName('strata-rebalance-group');
    await bus.ensureTopics([topic]);
    const first = new BatchRecorder();
    const second = new BatchRecorder();
    const firstMember = await bus.subscribe(first.options(groupId, [topic], true));
    const secondMember = await bus.subscribe(second.options(groupId, [topic], true));
    const keyed = (prefix: string) =>
      Array.from({ length: 20 }, (_, i) => ({
        key: `sha256:${i}`,
        value: Buffer.from(`${prefix}-${i}`),
        headers: {},
      }));

    await bus.publish(topic, keyed('before'));
    await waitUntil(() => first.messages().length + second.messages().length >= 20);
    await firstMember.stop();
    const seenBySecond = second.messages().length;
    await bus.publish(topic, keyed('after'));
    await second.waitForMessages(seenBySecond + 20);
    await secondMember.stop();
    await bus.close();

    const values = (recorder: BatchRecorder) => recorder.messages().map((m) => String(m.value));
    const all = new Set([...values(first), ...values(second)]);
    expect(all.size).toBe(40);
    expect(values(second).filter((value) => value.startsWith('after'))).toHaveLength(20);
  });
});

describe('KafkaEventBus batches', () => {
  it('carry the partition high watermark', async () => {
    const { bus } = createBus({ numPartitions: 1 });
    const topic = uniqueName('strata-watermark');
    await bus.ensureTopics([topic]);
    const messages = Array.from({ length: 5 }, (_, i) => ({
      key: 'sha256:watermark',
      value: Buffer.from(String(i)),
      headers: {},
    }));
    await bus.publish(topic, messages);
    const watermarks: (string | undefined)[] = [];
    const recorder = new BatchRecorder();
    const options = recorder.options(uniqueName('strata-watermark-group'), [topic], true);
    const subscription = await bus.subscribe({
      ...options,
      eachBatch: async (batch) => {
        watermarks.push(batch.highWatermark);
        await options.eachBatch(batch);
      },
    });

    await recorder.waitForMessages(5);
    await subscription.stop();
    await bus.close();

    expect(watermarks.length).toBeGreaterThan(0);
    expect(watermarks.at(-1)).toBe('5');
  });
});

describe('KafkaGroupAdmin', () => {
  it('reports lag and resets a group to a time', async () => {
    const { kafka, bus } = createBus({ numPartitions: 1 });
    const admin = new KafkaGroupAdmin(kafka, brokers);
    const topic = uniqueName('strata-admin');
    const groupId = uniqueName('strata-admin-group');
    await bus.ensureTopics([topic]);
    await bus.publish(topic, [{ key: 'k', value: Buffer.from('early'), headers: {} }]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const middle = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await bus.publish(topic, [
      { key: 'k', value: Buffer.from('late-1'), headers: {} },
      { key: 'k', value: Buffer.from('late-2'), headers: {} },
    ]);

    const before = await admin.consumerLag(groupId, [topic]);
    await admin.resetOffsetsToTime(groupId, [topic], middle);
    const after = await admin.consumerLag(groupId, [topic]);
    await admin.resetOffsetsToTime(groupId, [topic], Date.now() + 60_000);
    const atEnd = await admin.consumerLag(groupId, [topic]);
    await admin.close();
    await bus.close();

    expect(before).toEqual([
      { topic, partition: 0, committedOffset: null, endOffset: '3', lag: 3 },
    ]);
    expect(after).toEqual([{ topic, partition: 0, committedOffset: '1', endOffset: '3', lag: 2 }]);
    expect(atEnd[0]?.lag).toBe(0);
  });

  it('reports an unreachable cluster as retryable', async () => {
    const { createServer } = await import('node:net');
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const local = [`127.0.0.1:${port}`];
    const kafka = createKafka({ brokers: local, logger, retries: 1, initialRetryTimeMs: 50 });
    const bus = new KafkaEventBus({ kafka, brokers: local, logger, publishTimeoutMs: 5000 });

    const publishing = bus.publish('strata-none', [{ key: 'k', value: null, headers: {} }]);

    await expect(publishing).rejects.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      retryable: true,
    });
    await expect(publishing).rejects.toThrow(/KAFKA_BROKERS/);
    await bus.close();
    server.close();
  });
});

async function waitUntil(done: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
