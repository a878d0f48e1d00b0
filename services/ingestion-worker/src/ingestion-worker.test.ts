import { createHash } from 'node:crypto';
import { analyzedEventSchema, EVENT_TYPES, indexedEventSchema, StrataError } from '@strata/core';
import type { ImageRecord, UpsertOutcome } from '@strata/core';
import {
  InMemoryChainIndex,
  InMemoryEventBus,
  InMemoryImageStore,
  InMemoryObjectStore,
} from '@strata/memory';
import { createMemoryLogger, createWorkerMetrics, readDeadLetter } from '@strata/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { buildRecord } from './ingest-event.ts';
import { DEFAULT_INGESTION_SETTINGS } from './ingestion-context.ts';
import { createIngestionWorker } from './ingestion-worker.ts';
import type { IngestionWorker } from './ingestion-worker.ts';
import { REPLAY_HEADER } from './process-message.ts';
import {
  analyzedEvent,
  analyzedMessage,
  collectTopic,
  waitUntil,
  withoutFindings,
} from './test-support.ts';

const ANALYZED = 'image.analyzed';
const INDEXED = 'image.indexed';
const DLQ = 'image.analyzed.dlq';

class FlakyImageStore extends InMemoryImageStore {
  failures: number;
  failure = () => new StrataError('SERVICE_UNAVAILABLE', 'store unreachable', { retryable: true });

  constructor(failures: number) {
    super();
    this.failures = failures;
  }

  override upsert(record: ImageRecord): Promise<UpsertOutcome> {
    if (this.failures > 0) {
      this.failures -= 1;
      return Promise.reject(this.failure());
    }

    return super.upsert(record);
  }
}

/** Records the outcome of every upsert. */
class RecordingImageStore extends InMemoryImageStore {
  readonly outcomes: UpsertOutcome[] = [];

  override async upsert(record: ImageRecord): Promise<UpsertOutcome> {
    const outcome = await super.upsert(record);
    this.outcomes.push(outcome);
    return outcome;
  }
}

const workers: IngestionWorker[] = [];

async function setup(store = new InMemoryImageStore()) {
  const bus = new InMemoryEventBus({ retryInitialDelayMs: 1 });
  const index = new InMemoryChainIndex();
  const objects = new InMemoryObjectStore();
  const metrics = createWorkerMetrics({ processMetrics: false });
  const { logger, lines } = createMemoryLogger('debug');
  const settings = {
    ...DEFAULT_INGESTION_SETTINGS,
    bucket: 'strata-test',
    retryInitialDelayMs: 1,
    retryMaxDelayMs: 2,
    indexCheckIntervalMs: 0,
  };
  const worker = createIngestionWorker({ bus, store, index, objects, logger, metrics, settings });
  workers.push(worker);
  const indexed = await collectTopic(bus, INDEXED);
  const deadLetters = await collectTopic(bus, DLQ);
  const settle = () =>
    waitUntil(
      () =>
        bus.committedOffset(settings.groupId, ANALYZED) === bus.topicLength(ANALYZED) &&
        indexed.messages.length === bus.topicLength(INDEXED) &&
        deadLetters.messages.length === bus.topicLength(DLQ),
    );

  return { bus, store, index, objects, metrics, lines, worker, indexed, deadLetters, settle };
}

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop()));
});

describe('createIngestionWorker', () => {
  it('stores, indexes, archives and announces an image', async () => {
    const { bus, store, index, objects, worker, indexed, settle } = await setup();
    const event = analyzedEvent('python', 3);
    await worker.start();
    await bus.publish(ANALYZED, [analyzedMessage(event)]);
    await settle();
    const stored = await store.get(event.image.digest);
    const [found] = await index.lookup([
      { kind: 'diffId', chainId: stored?.diffIdChains?.at(-1) ?? '' },
    ]);
    const archived = await objects.get(stored?.archive?.key ?? '');
    const announcement = indexedEventSchema.parse(JSON.parse(String(indexed.messages[0]?.value)));

    expect(worker.state).toBe('running');
    expect(stored?.vulnerabilities).toHaveLength(1);
    expect(found).toEqual([event.image.digest]);
    expect(archived).not.toBeNull();
    expect(announcement).toEqual({
      schemaVersion: 1,
      digest: event.image.digest,
      analyzedAt: event.analyzedAt,
      replay: false,
    });
    expect(indexed.messages[0]?.key).toBe(event.image.digest);
    expect(indexed.messages[0]?.headers.ce_type).toBe(EVENT_TYPES.indexed.type);
  });

  it('dead-letters invalid input and keeps consuming', async () => {
    const { bus, store, worker, deadLetters, settle } = await setup();
    const good = analyzedEvent('alpine', 1);
    const badBytes = Buffer.from('{"schemaVersion":1,');
    await worker.start();
    await bus.publish(ANALYZED, [
      { key: 'sha256:broken', value: badBytes, headers: { ce_id: 'x-1' } },
      analyzedMessage(good),
    ]);
    await settle();
    const letter = deadLetters.messages[0];
    const info = letter === undefined ? null : readDeadLetter(letter);

    expect(letter?.value?.equals(badBytes)).toBe(true);
    expect(letter?.key).toBe('sha256:broken');
    expect(info?.reasonCode).toBe('INVALID_EVENT');
    expect(info?.sourceOffset).toBe('0');
    expect(info?.originalHeaders).toEqual({ ce_id: 'x-1' });
    expect(await store.get(good.image.digest)).not.toBeNull();
  });

  it('announces a duplicate event once', async () => {
    const { bus, worker, indexed, settle } = await setup();
    const event = analyzedEvent('debian', 2);
    await worker.start();
    await bus.publish(ANALYZED, [analyzedMessage(event), analyzedMessage(event)]);
    await settle();

    expect(indexed.messages).toHaveLength(1);
  });

  it('drops an older analysis after a newer one', async () => {
    const { bus, store, worker, indexed, settle } = await setup();
    const newer = analyzedEvent('node', 2, '2026-02-01T00:00:00Z');
    const older = { ...analyzedEvent('node', 2, '2026-01-01T00:00:00Z'), vulnerabilities: [] };
    await worker.start();
    await bus.publish(ANALYZED, [analyzedMessage(newer), analyzedMessage(older)]);
    await settle();
    const stored = await store.get(newer.image.digest);

    expect(stored?.analyzedAt).toBe('2026-02-01T00:00:00Z');
    expect(stored?.vulnerabilities).toHaveLength(1);
    expect(indexed.messages).toHaveLength(1);
  });

  it('reads findings through analysisRef', async () => {
    const { bus, store, objects, worker, settle } = await setup();
    const { event, findings } = withoutFindings(analyzedEvent('golang', 2));
    const document = Buffer.from(JSON.stringify(findings));
    const sha256 = createHash('sha256').update(document).digest('hex');
    await objects.put('incoming/golang.json', document, 'application/json');
    const withRef = {
      ...event,
      analysisRef: { uri: 's3://strata-test/incoming/golang.json', sha256 },
    };
    await worker.start();
    await bus.publish(ANALYZED, [analyzedMessage(withRef)]);
    await settle();
    const stored = await store.get(event.image.digest);

    expect(stored?.vulnerabilities).toEqual(findings.vulnerabilities);
    expect(stored?.hasPolicyEvaluation).toBe(true);
  });

  it('dead-letters a missing or tampered analysis document', async () => {
    const { bus, objects, worker, deadLetters, settle } = await setup();
    const missing = withoutFindings(analyzedEvent('missing', 1)).event;
    const tampered = withoutFindings(analyzedEvent('tampered', 1)).event;
    await objects.put(
      'incoming/tampered.json',
      Buffer.from('{"vulnerabilities":[]}'),
      'application/json',
    );
    const sha256 = createHash('sha256').update('{"vulnerabilities":[{}]}').digest('hex');
    await worker.start();
    await bus.publish(ANALYZED, [
      analyzedMessage({
        ...missing,
        analysisRef: { uri: 's3://strata-test/incoming/missing.json', sha256 },
      }),
      analyzedMessage({
        ...tampered,
        analysisRef: { uri: 's3://strata-test/incoming/tampered.json', sha256 },
      }),
    ]);
    await settle();
    const reasons = deadLetters.messages.map((letter) => readDeadLetter(letter)?.reasonCode);

    expect(reasons).toEqual(['ANALYSIS_DOCUMENT_MISSING', 'ANALYSIS_DOCUMENT_MISMATCH']);
  });

  it('retries transient store failures without dead-lettering', async () => {
    const { bus, store, metrics, worker, deadLetters, settle } = await setup(
      new FlakyImageStore(3),
    );
    const event = analyzedEvent('ubuntu', 2);
    await worker.start();
    await bus.publish(ANALYZED, [analyzedMessage(event)]);
    await settle();
    const retries = await metrics.retries.get();

    expect(await store.get(event.image.digest)).not.toBeNull();
    expect(retries.values[0]?.value).toBe(3);
    expect(deadLetters.messages).toHaveLength(0);
  });

  it('retries a failure that does not blame the event', async () => {
    const store = new FlakyImageStore(2);
    store.failure = () => new StrataError('INTERNAL', 'not authorized on strata');
    const { bus, metrics, worker, deadLetters, settle } = await setup(store);
    const event = analyzedEvent('permissions', 1);
    await worker.start();
    await bus.publish(ANALYZED, [analyzedMessage(event)]);
    await settle();
    const retries = await metrics.retries.get();

    expect(await store.get(event.image.digest)).not.toBeNull();
    expect(retries.values[0]?.value).toBe(2);
    expect(deadLetters.messages).toHaveLength(0);
  });

  it('resumes an analysis stored before a crash', async () => {
    const { bus, store, index, worker, indexed, settle } = await setup();
    const event = analyzedEvent('redis', 2);
    const record = buildRecord(
      analyzedEventSchema.parse(event),
      undefined,
      DEFAULT_INGESTION_SETTINGS.archivePrefix,
    );
    await store.upsert(record);
    await worker.start();
    await bus.publish(ANALYZED, [analyzedMessage(event)]);
    await settle();

    expect(indexed.messages).toHaveLength(1);
    expect(await index.lookup([{ kind: 'blob', chainId: record.blobChains.at(-1) ?? '' }])).toEqual(
      [[event.image.digest]],
    );
  });

  it('stores a resumed analysis again', async () => {
    const store = new RecordingImageStore();
    const { bus, worker, indexed, settle } = await setup(store);
    const event = analyzedEvent('redis', 2);
    const record = buildRecord(
      analyzedEventSchema.parse(event),
      undefined,
      DEFAULT_INGESTION_SETTINGS.archivePrefix,
    );
    await store.upsert(record);
    await worker.start();
    await bus.publish(ANALYZED, [analyzedMessage(event), analyzedMessage(event)]);
    await settle();

    // The second upsert completes a store write that stopped before the announcement. The
    // duplicate event finds the analysis archived and writes nothing.
    expect(store.outcomes).toEqual(['inserted', 'unchanged']);
    expect(indexed.messages).toHaveLength(1);
  });

  it('announces a replayed analysis again', async () => {
    const { bus, worker, indexed, settle } = await setup();
    const event = analyzedEvent('nginx', 2);
    await worker.start();
    await bus.publish(ANALYZED, [
      analyzedMessage(event),
      analyzedMessage(event, { [REPLAY_HEADER]: 'true' }),
    ]);
    await settle();
    const replays = indexed.messages.map(
      (message) => (JSON.parse(String(message.value)) as { replay: boolean }).replay,
    );

    expect(replays).toEqual([false, true]);
  });

  it('rebuilds an empty chain index on start', async () => {
    const store = new InMemoryImageStore();
    const record = buildRecord(
      analyzedEventSchema.parse(analyzedEvent('busybox', 1)),
      undefined,
      'archive/',
    );
    await store.upsert(record);
    const { index, worker, lines } = await setup(store);
    await worker.start();

    expect(await index.size()).toBe(2);
    expect(lines.some((line) => line.msg === 'chain index rebuilt')).toBe(true);
  });

  it('stops twice safely', async () => {
    const { worker } = await setup();
    await worker.start();
    await Promise.all([worker.stop(), worker.stop()]);

    expect(worker.state).toBe('stopped');
    expect(worker.readiness()).toEqual({ ready: false, status: 'stopped' });
  });
});
