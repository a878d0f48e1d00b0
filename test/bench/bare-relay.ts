// A bare kafkajs relay, the baseline of the pipeline benchmark: it consumes one topic and
// produces every record to another, with nothing else in between. Run as its own process:
//
//   RELAY_BROKERS=127.0.0.1:9092 RELAY_FROM=in RELAY_TO=out RELAY_GROUP=g node bare-relay.ts
//
// It prints `relay ready` once its consumer group has its partitions, and stops on SIGTERM.
import { Kafka, logLevel } from 'kafkajs';

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`${name} is not set`);
  }

  return value;
}

const kafka = new Kafka({
  brokers: requiredEnv('RELAY_BROKERS').split(','),
  clientId: 'strata-bench-relay',
  logLevel: logLevel.NOTHING,
});
const to = requiredEnv('RELAY_TO');
const producer = kafka.producer();
const consumer = kafka.consumer({ groupId: requiredEnv('RELAY_GROUP'), maxWaitTimeInMs: 50 });
consumer.on(consumer.events.GROUP_JOIN, () => console.log('relay ready'));
await producer.connect();
await consumer.connect();
await consumer.subscribe({ topic: requiredEnv('RELAY_FROM'), fromBeginning: true });
await consumer.run({
  eachBatch: async ({ batch }) => {
    const messages = batch.messages.map(({ key, value, headers }) => ({ key, value, headers }));
    await producer.send({ topic: to, messages });
  },
});

process.once('SIGTERM', () => {
  void consumer
    .disconnect()
    .then(() => producer.disconnect())
    .then(() => process.exit(0));
});
