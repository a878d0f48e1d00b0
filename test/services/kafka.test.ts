import { createTestNames } from '@strata/testkit';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const services = inject('services');
const names = createTestNames('kafka round trip');
const kafka = new Kafka({
  clientId: 'strata-test',
  brokers: services.kafkaBrokers,
  logLevel: logLevel.WARN,
});
const admin = kafka.admin();

beforeAll(async () => {
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic: names.topic, numPartitions: 1, replicationFactor: 1 }],
    waitForLeaders: true,
  });
});

afterAll(async () => {
  await admin.deleteTopics({ topics: [names.topic] });
  await admin.disconnect();
});

describe('Kafka broker', () => {
  it('delivers a produced record to a consumer group', async () => {
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const value = `value-${names.unique('record')}`;
    await producer.send({
      topic: names.topic,
      messages: [{ key: 'sha256:abc', value, headers: { ce_type: 'test' } }],
    });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: names.groupId });
    await consumer.connect();
    await consumer.subscribe({ topic: names.topic, fromBeginning: true });
    const received = await new Promise<{ key: string; value: string; ceType: string }>(
      (resolve) => {
        void consumer.run({
          eachMessage: ({ message }) => {
            resolve({
              key: message.key?.toString() ?? '',
              value: message.value?.toString() ?? '',
              ceType: message.headers?.ce_type?.toString() ?? '',
            });
            return Promise.resolve();
          },
        });
      },
    );
    await consumer.disconnect();

    expect(received.key).toBe('sha256:abc');
    expect(received.value).toBe(value);
    expect(received.ceType).toBe('test');
  });
});
