import {
  InMemoryChainIndex,
  InMemoryEventBus,
  InMemoryImageStore,
  InMemoryObjectStore,
} from '@strata/memory';
import { createMemoryLogger, createWorkerMetrics, readDeadLetter } from '@strata/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badInputCases, publishBadInputs } from './bad-input-cases.ts';
import type { BadInputExpectations } from './bad-input-cases.ts';
import { DEFAULT_INGESTION_SETTINGS } from './ingestion-context.ts';
import { createIngestionWorker } from './ingestion-worker.ts';
import { collectTopic, waitUntil } from './test-support.ts';

const BUCKET = 'strata-bad-input';
const bus = new InMemoryEventBus({ maxBatchSize: 7 });
const store = new InMemoryImageStore();
const objects = new InMemoryObjectStore();
const settings = { ...DEFAULT_INGESTION_SETTINGS, bucket: BUCKET, retryInitialDelayMs: 1 };
const worker = createIngestionWorker({
  bus,
  store,
  index: new InMemoryChainIndex(),
  objects,
  logger: createMemoryLogger('warn').logger,
  metrics: createWorkerMetrics({ processMetrics: false }),
  settings,
});
let expectations: BadInputExpectations;
let deadLetters: Awaited<ReturnType<typeof collectTopic>>;
let indexed: Awaited<ReturnType<typeof collectTopic>>;

beforeAll(async () => {
  deadLetters = await collectTopic(bus, `${settings.analyzedTopic}.dlq`);
  indexed = await collectTopic(bus, settings.indexedTopic);
  await worker.start();
  expectations = await publishBadInputs(bus, objects, settings.analyzedTopic, BUCKET);
  await waitUntil(
    () =>
      bus.committedOffset(settings.groupId, settings.analyzedTopic) ===
        bus.topicLength(settings.analyzedTopic) &&
      indexed.messages.length === bus.topicLength(settings.indexedTopic) &&
      deadLetters.messages.length === bus.topicLength(`${settings.analyzedTopic}.dlq`),
  );
});

afterAll(async () => {
  await worker.stop();
  await Promise.all([deadLetters.stop(), indexed.stop()]);
});

describe('ingestion worker on bad input', () => {
  it('covers at least 30 kinds', () => {
    expect(badInputCases().length).toBeGreaterThanOrEqual(30);
  });

  // Records of different images are processed concurrently, so dead letters come in any order.
  it('dead-letters each bad record with its reason and bytes', () => {
    const describe = (code: string | undefined, value: Buffer | null) =>
      `${code} ${value?.toString('hex') ?? 'null'}`;
    const actual = deadLetters.messages.map((letter) =>
      describe(readDeadLetter(letter)?.reasonCode, letter.value),
    );
    const expected = expectations.deadLetters.map((letter) => describe(letter.code, letter.value));

    expect(actual.sort()).toEqual(expected.sort());
  });

  it('stores every good event in between', async () => {
    const stored = await store.getMany(expectations.sentinels);

    expect(stored).toHaveLength(expectations.sentinels.length);
  });

  it('announces only good events', () => {
    expect(indexed.messages).toHaveLength(expectations.announcements);
  });

  it('keeps running', () => {
    expect(worker.state).toBe('running');
  });
});
