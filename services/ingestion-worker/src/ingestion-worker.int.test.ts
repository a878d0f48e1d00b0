import { cloudEventHeaders, EVENT_TYPES, indexedChains } from '@strata/core';
import type { AnalyzedEvent } from '@strata/core';
import { officialImageEvents } from '@strata/datasets';
import { readDeadLetter } from '@strata/runtime';
import { createTestNames } from '@strata/testkit';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { publishBadInputs } from './bad-input-cases.ts';
import {
  collect,
  connectTestPorts,
  testSettings,
  testWorker,
  topicLength,
  waitForCommitted,
} from './test-real-ports.ts';
import type { TestPorts } from './test-real-ports.ts';
import { waitUntil } from './test-support.ts';

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
  const { worker, metrics } = testWorker(ports, settings);
  cleanups.push(() => worker.stop());

  return { names, ports, settings, worker, metrics };
}

/** Returns the events in an order drawn from Math.random, printed so a failure can be rerun. */
function shuffled(events: AnalyzedEvent[]): AnalyzedEvent[] {
  const order = events.map((event) => ({ event, sortKey: Math.random() }));
  order.sort((left, right) => left.sortKey - right.sortKey);
  console.info(`publish order: ${order.map(({ event }) => event.image.tags?.[0]).join(', ')}`);

  return order.map(({ event }) => event);
}

function producerRecord(event: AnalyzedEvent, position: number) {
  const headers = cloudEventHeaders({
    id: `test-${position}`,
    type: EVENT_TYPES.analyzed.type,
    source: '/strata/tests',
    time: new Date().toISOString(),
  });

  return { key: event.image.digest, value: Buffer.from(JSON.stringify(event)), headers };
}

async function expectIndexed(ports: TestPorts, events: AnalyzedEvent[]) {
  const records = await ports.store.getMany(events.map((event) => event.image.digest));
  for (const record of records) {
    const found = await ports.index.lookup(indexedChains(record));
    for (const digests of found) {
      expect(digests).toContain(record.image.digest);
    }
  }

  expect(records).toHaveLength(events.length);
}

describe('ingestion worker on real services', () => {
  it('ingests the official images in any order', async () => {
    const { ports, settings, worker, names } = await setup('official images');
    const events = shuffled(officialImageEvents());
    await worker.start();
    await ports.bus.publish(settings.analyzedTopic, events.map(producerRecord));
    await waitForCommitted(ports, settings.groupId, settings.analyzedTopic);
    const announced = await collect(ports, settings.indexedTopic, names.unique('collector'));
    cleanups.push(() => announced.stop());
    await waitUntil(() => announced.messages.length >= events.length);
    const keys = announced.messages.map((message) => message.key).sort();

    await expectIndexed(ports, events);
    expect(await topicLength(ports, settings.indexedTopic)).toBe(events.length);
    expect(keys).toEqual(events.map((event) => event.image.digest).sort());
    expect(await topicLength(ports, `${settings.analyzedTopic}.dlq`)).toBe(0);
  });

  it('dead-letters every kind of bad input', async () => {
    const { ports, settings, worker, names } = await setup('bad input');
    await worker.start();
    const expected = await publishBadInputs(
      ports.bus,
      ports.objects,
      settings.analyzedTopic,
      settings.bucket,
    );
    await waitForCommitted(ports, settings.groupId, settings.analyzedTopic);
    const letters = await collect(ports, `${settings.analyzedTopic}.dlq`, names.unique('dlq'));
    cleanups.push(() => letters.stop());
    await waitUntil(() => letters.messages.length >= expected.deadLetters.length);
    const describe = (code: string | undefined, value: Buffer | null) =>
      `${code} ${value?.toString('hex') ?? 'null'}`;
    const actual = letters.messages.map((letter) =>
      describe(readDeadLetter(letter)?.reasonCode, letter.value),
    );
    const wanted = expected.deadLetters.map((letter) => describe(letter.code, letter.value));
    const stored = await ports.store.getMany(expected.sentinels);

    expect(actual.sort()).toEqual(wanted.sort());
    expect(stored).toHaveLength(expected.sentinels.length);
    expect(await topicLength(ports, settings.indexedTopic)).toBe(expected.announcements);
    expect(worker.state).toBe('running');
  });

  it('keeps the headers and position of a dead letter', async () => {
    const { ports, settings, worker, names } = await setup('dead letter headers');
    await worker.start();
    const value = Buffer.from([0x00, 0xff, 0x7b]);
    await ports.bus.publish(settings.analyzedTopic, [
      { key: 'not-a-digest', value, headers: { ce_id: 'x-7' } },
    ]);
    const letters = await collect(ports, `${settings.analyzedTopic}.dlq`, names.unique('dlq'));
    cleanups.push(() => letters.stop());
    await waitUntil(() => letters.messages.length >= 1);
    const letter = letters.messages[0];
    const info = letter === undefined ? null : readDeadLetter(letter);

    expect(letter?.key).toBe('not-a-digest');
    expect(letter?.value?.equals(value)).toBe(true);
    expect(info?.sourceTopic).toBe(settings.analyzedTopic);
    expect(info?.sourceOffset).toBe('0');
    expect(info?.reasonCode).toBe('INVALID_EVENT');
    expect(info?.originalHeaders).toEqual({ ce_id: 'x-7' });
  });
});
