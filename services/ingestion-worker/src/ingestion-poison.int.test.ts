import { createHash } from 'node:crypto';
import { createKafka } from '@strata/kafka';
import { readDeadLetter } from '@strata/runtime';
import { createTestNames } from '@strata/testkit';
import { afterEach, describe, expect, inject, it } from 'vitest';
import {
  collect,
  connectTestPorts,
  testSettings,
  testWorker,
  waitForCommitted,
} from './test-real-ports.ts';
import type { TestPorts } from './test-real-ports.ts';
import { analyzedEvent, analyzedMessage, waitUntil, withoutFindings } from './test-support.ts';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

async function setup(label: string) {
  const names = createTestNames(label);
  const ports = await connectTestPorts(inject('services'), names);
  cleanups.push(() => ports.close());
  const settings = testSettings(names);
  const { worker } = testWorker(ports, settings);
  cleanups.push(() => worker.stop());
  const deadLetters = await collect(ports, `${settings.analyzedTopic}.dlq`, names.unique('dlq'));
  cleanups.push(() => deadLetters.stop());

  return { names, ports, settings, worker, deadLetters };
}

/**
 * Connects a kafkajs producer of the test's own. The event bus takes keys and header values as
 * strings, so only a raw producer sends arbitrary bytes in them.
 */
async function rawProducer(logger: TestPorts['logger']) {
  const producer = createKafka({ brokers: inject('services').kafkaBrokers, logger }).producer();
  await producer.connect();
  cleanups.push(() => producer.disconnect());

  return producer;
}

/**
 * Findings whose stored form is larger than the 16 MiB a MongoDB document may have, while each
 * field stays within the event limits.
 */
function oversizedFindings() {
  const path = `/usr/lib/${'x'.repeat(10_000)}`;
  const vulnerabilities = Array.from({ length: 2_000 }, (_, n) => ({
    id: `CVE-2024-${n}`,
    severity: 'Low',
    package: { name: `package-${n}`, version: '1.0', type: 'deb', path },
  }));

  return { vulnerabilities, policyFindings: [] };
}

describe('ingestion worker on poison input', () => {
  it('dead-letters a record near the size limit through S3', async () => {
    const { ports, settings, worker, deadLetters } = await setup('near-limit record');
    const value = Buffer.alloc(1_048_400, 0x7b);
    const sentinel = analyzedEvent('after-near-limit', 1);
    await worker.start();
    // Two publishes, because both records in one batch would exceed the broker's size limit.
    await ports.bus.publish(settings.analyzedTopic, [{ key: null, value, headers: {} }]);
    await ports.bus.publish(settings.analyzedTopic, [analyzedMessage(sentinel)]);
    await waitUntil(() => deadLetters.messages.length > 0);
    await waitForCommitted(ports, settings.groupId, settings.analyzedTopic);

    const letter = deadLetters.messages[0]!;
    const info = readDeadLetter(letter);
    expect(info?.reasonCode).toBe('INVALID_EVENT');
    expect(letter.value).toBeNull();
    const key = info?.offloadedValue?.uri.replace(`s3://${settings.bucket}/`, '') ?? '';
    const stored = await ports.objects.get(key);
    expect(Buffer.from(stored ?? []).equals(value)).toBe(true);
    expect(info?.offloadedValue?.sha256).toBe(createHash('sha256').update(value).digest('hex'));
    expect(await ports.store.get(sentinel.image.digest)).not.toBeNull();
    expect(worker.state).toBe('running');
  });

  it('dead-letters an analysis too large to store', async () => {
    const { ports, settings, worker, deadLetters } = await setup('oversized analysis');
    const body = Buffer.from(JSON.stringify(oversizedFindings()));
    await ports.objects.put('docs/oversized.json', body, 'application/json');
    const { event } = withoutFindings(analyzedEvent('oversized', 2));
    const sha256 = createHash('sha256').update(body).digest('hex');
    const analysisRef = { uri: `s3://${settings.bucket}/docs/oversized.json`, sha256 };
    const sentinel = analyzedEvent('after-oversized', 1);
    await worker.start();
    await ports.bus.publish(settings.analyzedTopic, [
      analyzedMessage({ ...event, analysisRef }),
      analyzedMessage(sentinel),
    ]);
    await waitUntil(() => deadLetters.messages.length > 0);
    await waitForCommitted(ports, settings.groupId, settings.analyzedTopic);

    expect(readDeadLetter(deadLetters.messages[0]!)?.reasonCode).toBe('LIMIT_EXCEEDED');
    expect(await ports.store.get(event.image.digest)).toBeNull();
    expect(await ports.store.get(sentinel.image.digest)).not.toBeNull();
    expect(worker.state).toBe('running');
  });

  it('dead-letters non-UTF-8 key and header bytes', async () => {
    const { ports, settings, worker, deadLetters } = await setup('key bytes');
    const key = Buffer.from([0x73, 0x68, 0xc3, 0x28, 0xff]);
    const first = Buffer.from([0xfe, 0x00, 0x01]);
    const second = Buffer.from('second');
    const value = Buffer.from('{"not an event"');
    const producer = await rawProducer(ports.logger);
    await worker.start();
    await producer.send({
      topic: settings.analyzedTopic,
      messages: [{ key, value, headers: { trace: [first, second] } }],
    });
    await waitUntil(() => deadLetters.messages.length > 0);

    const letter = deadLetters.messages[0]!;
    const info = readDeadLetter(letter);
    expect(info?.reasonCode).toBe('INVALID_EVENT');
    expect(letter.value?.equals(value)).toBe(true);
    expect(info?.originalKeyBytes?.equals(key)).toBe(true);
    expect(
      info?.originalHeaderBytes?.map(([name, bytes]) => [name, bytes?.toString('hex')]),
    ).toEqual([
      ['trace', first.toString('hex')],
      ['trace', second.toString('hex')],
    ]);
    expect(worker.state).toBe('running');
  });

  it('dead-letters a record with headers named __proto__ and constructor', async () => {
    const { ports, settings, worker, deadLetters } = await setup('prototype headers');
    const value = Buffer.from('{"not an event"');
    const sentinel = analyzedEvent('after-prototype-headers', 1);
    const producer = await rawProducer(ports.logger);
    // JSON.parse keeps "__proto__" as an own key, where an object literal would set the prototype.
    const headers = JSON.parse('{"__proto__":"p","constructor":"c"}') as Record<string, string>;
    await worker.start();
    await producer.send({
      topic: settings.analyzedTopic,
      messages: [{ key: null, value, headers }],
    });
    await ports.bus.publish(settings.analyzedTopic, [analyzedMessage(sentinel)]);
    await waitUntil(() => deadLetters.messages.length > 0);
    await waitForCommitted(ports, settings.groupId, settings.analyzedTopic);

    const letter = deadLetters.messages[0]!;
    const info = readDeadLetter(letter);
    expect(info?.reasonCode).toBe('INVALID_EVENT');
    expect(letter.value?.equals(value)).toBe(true);
    expect(Object.entries(info?.originalHeaders ?? {})).toEqual([
      ['__proto__', 'p'],
      ['constructor', 'c'],
    ]);
    expect(info?.originalHeaderBytes).toBeUndefined();
    expect(await ports.store.get(sentinel.image.digest)).not.toBeNull();
    expect(worker.state).toBe('running');
  });
});
