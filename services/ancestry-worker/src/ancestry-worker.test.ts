import { ancestryEventSchema, baseComparisonEventSchema, cloudEventHeaders } from '@strata/core';
import { readDeadLetter } from '@strata/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import type { AncestrySettings } from './ancestry-context.ts';
import { createAncestryWorker } from './ancestry-worker.ts';
import type { AncestryWorker } from './ancestry-worker.ts';
import {
  bodies,
  collectTopic,
  digestOf,
  indexedMessage,
  latestByKey,
  recordOf,
  storeImage,
  testContext,
  waitUntil,
} from './test-support.ts';
import type { TestImage } from './test-support.ts';

const OS: TestImage = { name: 'os', layers: ['os'], vulnerabilities: ['CVE-1', 'CVE-2'] };
const RUNTIME: TestImage = {
  name: 'runtime',
  layers: ['os', 'runtime'],
  vulnerabilities: ['CVE-1', 'CVE-3'],
};
const APP: TestImage = {
  name: 'app',
  layers: ['os', 'runtime', 'app'],
  vulnerabilities: ['CVE-1', 'CVE-3', 'CVE-4'],
};

const workers: AncestryWorker[] = [];
const stops: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop()));
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

async function setup(overrides: Partial<AncestrySettings> = {}) {
  const context = testContext(overrides);
  const worker = createAncestryWorker(context);
  workers.push(worker);
  const { topics, groupId } = context.settings;
  const ancestry = await collectTopic(context.bus, topics.ancestry);
  const comparison = await collectTopic(context.bus, topics.baseComparison);
  stops.push(ancestry.stop, comparison.stop);
  const consumed = [topics.indexed, topics.recompute, topics.deleted, topics.baseMarked];
  const settle = () =>
    waitUntil(
      () =>
        consumed.every(
          (topic) =>
            (context.bus.committedOffset(groupId, topic) ?? 0) === context.bus.topicLength(topic),
        ) &&
        ancestry.messages.length === context.bus.topicLength(topics.ancestry) &&
        comparison.messages.length === context.bus.topicLength(topics.baseComparison),
    );
  const index = async (...images: TestImage[]) => {
    for (const image of images) {
      const record = recordOf(image);
      await storeImage(context, record);
      await context.bus.publish(topics.indexed, [indexedMessage(record)]);
    }
  };
  await worker.start();

  return { context, worker, ancestry, comparison, settle, index };
}

function latestBody(messages: Parameters<typeof latestByKey>[0], digest: string) {
  const message = latestByKey(messages).get(digest);

  return message?.value == null ? null : (JSON.parse(message.value.toString()) as unknown);
}

describe('createAncestryWorker', () => {
  it('publishes ancestry and comparison of an image after its ancestors', async () => {
    const { ancestry, comparison, settle, index } = await setup();
    await index(OS, RUNTIME, APP);
    await settle();

    const app = ancestryEventSchema.parse(latestBody(ancestry.messages, digestOf('app')));
    expect(app.parent?.digest).toBe(digestOf('runtime'));
    expect(app.base?.digest).toBe(digestOf('os'));
    expect(app.ancestors.map((ancestor) => ancestor.digest)).toEqual([
      digestOf('runtime'),
      digestOf('os'),
    ]);
    const compared = baseComparisonEventSchema.parse(
      latestBody(comparison.messages, digestOf('app')),
    );
    expect(compared.comparedTo).toEqual({ digest: digestOf('os'), relation: 'base' });
    expect(compared.counts.inherited).toBe(1);
    expect(compared.counts.introduced).toBe(2);
    expect(latestBody(comparison.messages, digestOf('os'))).toBeNull();
  });

  it('updates every descendant when their base arrives last', async () => {
    const { ancestry, comparison, settle, index } = await setup();
    await index(APP, RUNTIME);
    await settle();
    await index(OS);
    await settle();

    for (const name of ['runtime', 'app']) {
      const body = ancestryEventSchema.parse(latestBody(ancestry.messages, digestOf(name)));
      expect(body.base?.digest).toBe(digestOf('os'));
      const compared = baseComparisonEventSchema.parse(
        latestBody(comparison.messages, digestOf(name)),
      );
      expect(compared.comparedTo.digest).toBe(digestOf('os'));
    }
  });

  it('derives a concurrent batch completely', async () => {
    const { context, ancestry, settle } = await setup({ concurrency: 8 });
    const apps = Array.from({ length: 12 }, (_, position): TestImage => ({
      name: `app-${position}`,
      layers: ['os', 'runtime', `app-${position}`],
      vulnerabilities: [],
    }));
    const records = [...apps, APP, RUNTIME, OS].map(recordOf);
    for (const record of records) {
      await storeImage(context, record);
    }
    // One publish call: the worker receives every record in one batch.
    await context.bus.publish(
      context.settings.topics.indexed,
      records.map((record) => indexedMessage(record)),
    );
    await settle();

    for (const image of [...apps, APP]) {
      const body = ancestryEventSchema.parse(latestBody(ancestry.messages, digestOf(image.name)));
      expect(body.parent?.digest).toBe(digestOf('runtime'));
      expect(body.base?.digest).toBe(digestOf('os'));
    }
  });

  it('recomputes relatives through the recompute topic over the inline limit', async () => {
    const { context, ancestry, settle, index } = await setup({ recomputeInlineMax: 0 });
    await index(APP, RUNTIME);
    await settle();
    await index(OS);
    await settle();

    expect(context.bus.topicLength(context.settings.topics.recompute)).toBe(3);
    const app = ancestryEventSchema.parse(latestBody(ancestry.messages, digestOf('app')));
    expect(app.ancestors).toHaveLength(2);
    expect(app.version).toBe(3);
  });

  it('numbers versions per image and skips unchanged results', async () => {
    const { context, ancestry, settle, index } = await setup();
    await index(OS, RUNTIME);
    await settle();
    const published = ancestry.messages.length;
    await context.bus.publish(context.settings.topics.indexed, [indexedMessage(recordOf(RUNTIME))]);
    await settle();

    expect(ancestry.messages).toHaveLength(published);
    const versions = bodies(ancestry.messages).map((body) => [body.image, body.version]);
    expect(versions).toEqual([
      [{ digest: digestOf('os'), tags: ['example.test/os:1'] }, 1],
      [{ digest: digestOf('runtime'), tags: ['example.test/runtime:1'] }, 1],
    ]);
  });

  it('republishes a replayed image under its version with a replay mark', async () => {
    const { context, ancestry, settle, index } = await setup();
    await index(OS, RUNTIME);
    await settle();
    await context.bus.publish(context.settings.topics.indexed, [
      indexedMessage(recordOf(RUNTIME), true),
    ]);
    await settle();

    const last = ancestry.messages.at(-1);
    expect(last?.key).toBe(digestOf('runtime'));
    expect(last?.headers.ce_stratareplay).toBe('true');
    expect(last?.headers.ce_strataversion).toBe('1');
    const body = ancestryEventSchema.parse(JSON.parse(last?.value?.toString() ?? 'null'));
    expect(body.replay).toBe(true);
    expect(body.version).toBe(1);
  });

  it('retracts a deleted image and updates its descendants', async () => {
    const { context, ancestry, comparison, settle, index } = await setup();
    await index(OS, RUNTIME, APP);
    await settle();
    const deleted = { schemaVersion: 1, digest: digestOf('os'), deletedAt: '2026-02-01T00:00:00Z' };
    await context.bus.publish(context.settings.topics.deleted, [
      { key: digestOf('os'), value: Buffer.from(JSON.stringify(deleted)), headers: {} },
    ]);
    await settle();

    expect(await context.store.get(digestOf('os'))).toBeNull();
    expect(latestByKey(ancestry.messages).get(digestOf('os'))?.value).toBeNull();
    const app = ancestryEventSchema.parse(latestBody(ancestry.messages, digestOf('app')));
    expect(app.base?.digest).toBe(digestOf('runtime'));
    const compared = baseComparisonEventSchema.parse(
      latestBody(comparison.messages, digestOf('app')),
    );
    expect(compared.comparedTo.digest).toBe(digestOf('runtime'));
    expect(latestByKey(comparison.messages).get(digestOf('runtime'))?.value).toBeNull();
  });

  it('compares descendants with a base marked by event', async () => {
    const { context, ancestry, comparison, settle, index } = await setup();
    await index(OS, RUNTIME, APP);
    await settle();
    const mark = { schemaVersion: 1, digest: digestOf('runtime'), marked: true };
    await context.bus.publish(context.settings.topics.baseMarked, [
      { key: digestOf('runtime'), value: Buffer.from(JSON.stringify(mark)), headers: {} },
    ]);
    await settle();

    const compared = baseComparisonEventSchema.parse(
      latestBody(comparison.messages, digestOf('app')),
    );
    expect(compared.comparedTo).toEqual({ digest: digestOf('runtime'), relation: 'marked-base' });
    const app = ancestryEventSchema.parse(latestBody(ancestry.messages, digestOf('app')));
    expect(app.ancestors[0]?.markedBase).toBe(true);
  });

  it('compares with images whose tags match a marked base pattern', async () => {
    const { comparison, settle, index } = await setup({
      markedBaseTagPatterns: ['example.test/runtime:*'],
    });
    await index(OS, RUNTIME, APP);
    await settle();

    const compared = baseComparisonEventSchema.parse(
      latestBody(comparison.messages, digestOf('app')),
    );
    expect(compared.comparedTo).toEqual({ digest: digestOf('runtime'), relation: 'marked-base' });
  });

  it('updates the aliases of a new image', async () => {
    const { ancestry, settle, index } = await setup();
    await index(OS, RUNTIME);
    await settle();
    await index({ name: 'runtime-mirror', layers: RUNTIME.layers });
    await settle();

    const runtime = ancestryEventSchema.parse(latestBody(ancestry.messages, digestOf('runtime')));
    expect(runtime.aliases).toEqual([{ digest: digestOf('runtime-mirror') }]);
    expect(runtime.version).toBe(2);
    const mirror = ancestryEventSchema.parse(
      latestBody(ancestry.messages, digestOf('runtime-mirror')),
    );
    expect(mirror.aliases).toEqual([{ digest: digestOf('runtime') }]);
  });

  it('marks every image whose tag matches a marked pattern event', async () => {
    const { context, comparison, settle, index } = await setup();
    await index(OS, RUNTIME, APP);
    await settle();
    const mark = { schemaVersion: 1, tagPattern: 'example.test/runtime:*', marked: true };
    await context.bus.publish(context.settings.topics.baseMarked, [
      { key: null, value: Buffer.from(JSON.stringify(mark)), headers: {} },
    ]);
    await settle();

    expect((await context.store.get(digestOf('runtime')))?.markedBase).toBe(true);
    const compared = baseComparisonEventSchema.parse(
      latestBody(comparison.messages, digestOf('app')),
    );
    expect(compared.comparedTo.relation).toBe('marked-base');
  });

  it('applies base marks of one batch in offset order', async () => {
    const { context, settle, index } = await setup();
    await index(OS, RUNTIME, APP);
    await settle();
    const runtime = digestOf('runtime');
    const byPattern = { schemaVersion: 1, tagPattern: 'example.test/runtime:*', marked: true };
    const byDigest = { schemaVersion: 1, digest: runtime, marked: false };
    // The pattern record has no key and the digest record is keyed by the image, so their keys
    // differ although both name the runtime image.
    await context.bus.publish(context.settings.topics.baseMarked, [
      { key: null, value: Buffer.from(JSON.stringify(byPattern)), headers: {} },
      { key: runtime, value: Buffer.from(JSON.stringify(byDigest)), headers: {} },
    ]);
    await settle();

    expect((await context.store.get(runtime))?.markedBase).toBe(false);
  });

  it('stores a large result in the object store and publishes a reference', async () => {
    const many = Array.from({ length: 200 }, (_, position) => `CVE-2024-${position}`);
    const { context, comparison, settle, index } = await setup({ resultMaxInlineBytes: 4096 });
    await index({ ...OS, vulnerabilities: many }, { ...RUNTIME, vulnerabilities: many });
    await settle();

    const body = latestBody(comparison.messages, digestOf('runtime')) as {
      resultRef: { uri: string; sha256: string };
      counts: { inherited: number };
    };
    const key = body.resultRef.uri.replace('s3://strata-test/', '');
    const stored = await context.objects.get(key);
    expect(stored).not.toBeNull();
    const full = baseComparisonEventSchema.parse(JSON.parse(Buffer.from(stored ?? []).toString()));
    expect(full.vulnerabilities).toHaveLength(200);
    expect(body.counts.inherited).toBe(200);
    expect(key).toContain(body.resultRef.sha256);
  });

  it('dead-letters an invalid event and keeps consuming', async () => {
    const { context, ancestry, settle, index } = await setup();
    const topic = context.settings.topics.indexed;
    const headers = cloudEventHeaders({ id: '1', type: 'other', source: '/test', time: '' });
    const event = { schemaVersion: 1, digest: digestOf('os'), analyzedAt: '2026-01-31T12:00:00Z' };
    const value = Buffer.from(JSON.stringify({ ...event, replay: false }));
    await context.bus.publish(topic, [{ key: digestOf('os'), value, headers }]);
    await index(OS);
    await settle();

    const dlq = await collectTopic(context.bus, `${topic}.dlq`);
    stops.push(dlq.stop);
    await waitUntil(() => dlq.messages.length === 1);
    expect(
      readDeadLetter(dlq.messages[0] ?? { key: null, value: null, headers: {} })?.reasonCode,
    ).toBe('INVALID_EVENT');
    expect(latestByKey(ancestry.messages).has(digestOf('os'))).toBe(true);
  });
});
