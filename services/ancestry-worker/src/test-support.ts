import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { cloudEventHeaders, EVENT_TYPES, indexedChains, toImageRecord } from '@strata/core';
import type { AnalyzedEvent, BusMessage, ConsumedMessage, ImageRecord } from '@strata/core';
import {
  InMemoryChainIndex,
  InMemoryEventBus,
  InMemoryImageStore,
  InMemoryObjectStore,
  InMemoryResultVersionStore,
} from '@strata/memory';
import { createMemoryLogger, createWorkerMetrics } from '@strata/runtime';
import type { AncestryContext, AncestrySettings } from './ancestry-context.ts';
import { DEFAULT_ANCESTRY_SETTINGS } from './ancestry-context.ts';

/** Returns a `sha256:` digest of a label, for readable test data. */
export function digestOf(label: string): string {
  return `sha256:${createHash('sha256').update(label).digest('hex')}`;
}

export interface TestImage {
  name: string;
  /** Layer labels, bottom first. Images with the same leading labels share leading layers. */
  layers: string[];
  /** Ids of vulnerabilities in package `openssl` 1.0. The same id means the same finding. */
  vulnerabilities?: string[];
  tags?: string[];
  analyzedAt?: string;
}

/** Builds the `image.analyzed` event of a test image. */
export function analyzedEventOf(image: TestImage): AnalyzedEvent {
  return {
    schemaVersion: 1,
    analyzedAt: image.analyzedAt ?? '2026-01-31T12:00:00.000Z',
    image: {
      digest: digestOf(image.name),
      layers: image.layers.map((label) => ({
        digest: digestOf(`blob-${label}`),
        diffId: digestOf(`diff-${label}`),
      })),
      tags: image.tags ?? [`example.test/${image.name}:1`],
    },
    vulnerabilities: (image.vulnerabilities ?? []).map((id) => ({
      id,
      severity: 'High',
      package: { name: 'openssl', version: '1.0', type: 'deb' },
    })),
  };
}

/** Builds the stored record of a test image. */
export function recordOf(image: TestImage): ImageRecord {
  return toImageRecord(analyzedEventOf(image));
}

/** Builds the `image.indexed` record the ingestion worker publishes for a stored image. */
export function indexedMessage(record: ImageRecord, replay = false): BusMessage {
  const digest = record.image.digest;
  const event = { schemaVersion: 1, digest, analyzedAt: record.analyzedAt, replay };
  const headers = cloudEventHeaders({
    id: `${digest}@${record.analyzedAt}`,
    type: EVENT_TYPES.indexed.type,
    source: '/test',
    time: '2026-02-01T00:00:00.000Z',
  });

  return { key: digest, value: Buffer.from(JSON.stringify(event)), headers };
}

/** Wraps a bus record as a consumed one, for calling a handler directly. */
export function consumed(topic: string, message: BusMessage, offset = 0): ConsumedMessage {
  return { ...message, topic, partition: 0, offset: String(offset), timestamp: 0 };
}

/** Builds a context over fresh in-memory ports, with fast retries and the given settings. */
export function testContext(overrides: Partial<AncestrySettings> = {}): AncestryContext & {
  bus: InMemoryEventBus;
  store: InMemoryImageStore;
  index: InMemoryChainIndex;
  objects: InMemoryObjectStore;
  lines: Record<string, unknown>[];
} {
  const { logger, lines } = createMemoryLogger('debug');
  const settings: AncestrySettings = {
    ...DEFAULT_ANCESTRY_SETTINGS,
    bucket: 'strata-test',
    retryInitialDelayMs: 1,
    retryMaxDelayMs: 2,
    ...overrides,
  };

  return {
    bus: new InMemoryEventBus({ retryInitialDelayMs: 1 }),
    store: new InMemoryImageStore(),
    index: new InMemoryChainIndex(),
    objects: new InMemoryObjectStore(),
    versions: new InMemoryResultVersionStore(),
    logger,
    lines,
    metrics: createWorkerMetrics({ processMetrics: false }),
    settings,
    clock: () => Date.parse('2026-02-01T00:00:00.000Z'),
  };
}

/** Stores a record and indexes its chains, as the ingestion worker does before announcing it. */
export async function storeImage(context: AncestryContext, record: ImageRecord): Promise<void> {
  await context.store.upsert(record);
  await context.index.add(record.image.digest, indexedChains(record));
}

/** Subscribes a fresh consumer group to `topic` and collects every record it receives. */
export async function collectTopic(bus: InMemoryEventBus, topic: string) {
  const messages: ConsumedMessage[] = [];
  const subscription = await bus.subscribe({
    groupId: `collector-${topic}-${Math.random()}`,
    topics: [topic],
    fromBeginning: true,
    eachBatch: (batch) => {
      messages.push(...batch.messages);
      return Promise.resolve();
    },
  });

  return { messages, stop: () => subscription.stop() };
}

/** Returns the body of each record with a value, parsed. */
export function bodies(messages: readonly BusMessage[]): Record<string, unknown>[] {
  return messages.flatMap((message) =>
    message.value === null ? [] : [JSON.parse(message.value.toString()) as Record<string, unknown>],
  );
}

/** Returns the latest record of each key: the highest `ce_strataversion` wins. */
export function latestByKey<M extends BusMessage>(messages: readonly M[]): Map<string, M> {
  const latest = new Map<string, M>();
  for (const message of messages) {
    const current = latest.get(message.key ?? '');
    if (current === undefined || versionOf(message) >= versionOf(current)) {
      latest.set(message.key ?? '', message);
    }
  }

  return latest;
}

function versionOf(message: BusMessage): number {
  return Number(message.headers.ce_strataversion ?? '0');
}

/** Polls `condition` every few milliseconds until it holds; the test timeout bounds the wait. */
export async function waitUntil(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) {
    await sleep(5);
  }
}
