import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexedChains } from '@strata/core';
import type { ImageRecord, IndexedChain } from '@strata/core';
import { officialImageEvents } from '@strata/datasets';
import { createTestNames, DedicatedKafka, freePort } from '@strata/testkit';
import type { ServiceAddresses, TestNames } from '@strata/testkit';
import { afterEach, describe, expect, inject, it } from 'vitest';
import {
  collectKeys,
  connectTestPorts,
  testSettings,
  testWorker,
  topicLength,
  waitForCommitted,
} from './test-real-ports.ts';
import type { TestPorts } from './test-real-ports.ts';
import { killChild, startRedisServer, startWorkerProcess } from './test-processes.ts';
import { analyzedEvent, analyzedMessage, waitUntil } from './test-support.ts';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

function events() {
  const synthetic = Array.from({ length: 200 }, (_, n) => analyzedEvent(`fault-${n}`, 1 + (n % 5)));

  return [...officialImageEvents(), ...synthetic];
}

/** Returns every prefix query of a record in both chain kinds, as an ancestry lookup sends them. */
function prefixQueries(record: ImageRecord): IndexedChain[] {
  const blob = record.blobChains.map((chainId) => ({ kind: 'blob' as const, chainId }));
  const diffId = (record.diffIdChains ?? []).map((chainId) => ({
    kind: 'diffId' as const,
    chainId,
  }));

  return [...blob, ...diffId];
}

async function lookupAll(ports: TestPorts, records: ImageRecord[]): Promise<string[][][]> {
  return Promise.all(records.map((record) => ports.index.lookup(prefixQueries(record))));
}

function workerEnvironment(services: ServiceAddresses, names: TestNames, indexedTopic: string) {
  return {
    KAFKA_BROKERS: services.kafkaBrokers.join(','),
    MONGODB_URI: services.mongodbUri,
    MONGODB_DATABASE: names.database,
    REDIS_URL: services.redisUrl,
    REDIS_KEY_PREFIX: names.keyPrefix,
    S3_ENDPOINT: services.s3.endpoint,
    S3_REGION: services.s3.region,
    S3_ACCESS_KEY_ID: services.s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: services.s3.secretAccessKey,
    S3_BUCKET: names.bucket,
    ANALYZED_TOPIC: names.topic,
    INDEXED_TOPIC: indexedTopic,
    KAFKA_GROUP_ID: names.groupId,
    HTTP_PORT: '0',
    LOG_LEVEL: 'warn',
    RETRY_MAX_DELAY_MS: '1000',
  };
}

describe('ingestion worker under faults', () => {
  it('loses nothing when killed mid-batch', async () => {
    const services = inject('services');
    const names = createTestNames('killed mid-batch');
    const ports = await connectTestPorts(services, names);
    cleanups.push(() => ports.close());
    const settings = testSettings(names);
    const published = events();
    await ports.bus.ensureTopics([settings.analyzedTopic, settings.indexedTopic]);
    await ports.bus.publish(
      settings.analyzedTopic,
      published.map((event) => analyzedMessage(event)),
    );
    const env = workerEnvironment(services, names, settings.indexedTopic);
    const output: string[] = [];
    let child: ChildProcess = startWorkerProcess(env, output);
    cleanups.push(() => killChild(child));
    await waitUntil(async () => (await topicLength(ports, settings.indexedTopic)) >= 30);
    await killChild(child, 'SIGKILL');
    const announcedBeforeKill = await topicLength(ports, settings.indexedTopic);
    child = startWorkerProcess(env, output);
    await waitForCommitted(ports, settings.groupId, settings.analyzedTopic);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [exitCode] = (await exited) as [number | null];
    const digests = published.map((event) => event.image.digest);
    const records = await ports.store.getMany(digests);
    const found = await Promise.all(
      records.map((record) => ports.index.lookup(indexedChains(record))),
    );
    const announcedDigests = await collectKeys(
      ports,
      settings.indexedTopic,
      names.unique('collector'),
      digests,
    );

    expect(announcedBeforeKill).toBeLessThan(published.length);
    expect(records).toHaveLength(published.length);
    expect(found.every((lists) => lists.length > 0 && lists.every((list) => list.length > 0))).toBe(
      true,
    );
    expect(digests.filter((digest) => !announcedDigests.has(digest))).toEqual([]);
    expect(await topicLength(ports, `${settings.analyzedTopic}.dlq`)).toBe(0);
    expect(exitCode, output.join('')).toBe(0);
  }, 180_000);

  it('rebuilds a Redis that restarted empty', async () => {
    const services = inject('services');
    const names = createTestNames('redis restart');
    const port = await freePort();
    let redis = await startRedisServer(port);
    cleanups.push(() => killChild(redis));
    const ports = await connectTestPorts(services, names, `redis://127.0.0.1:${port}`);
    cleanups.push(() => ports.close());
    const settings = testSettings(names);
    const { worker } = testWorker(ports, settings);
    cleanups.push(() => worker.stop());
    const official = officialImageEvents();
    await worker.start();
    await ports.bus.publish(
      settings.analyzedTopic,
      official.map((event) => analyzedMessage(event)),
    );
    await waitForCommitted(ports, settings.groupId, settings.analyzedTopic);
    const records = await ports.store.getMany(official.map((event) => event.image.digest));
    const before = await lookupAll(ports, records);
    await killChild(redis);
    redis = await startRedisServer(port);
    const emptied = await ports.index.size();
    const latecomer = analyzedEvent('after-restart', 2);
    await ports.bus.publish(settings.analyzedTopic, [analyzedMessage(latecomer)]);
    await waitForCommitted(ports, settings.groupId, settings.analyzedTopic);
    const after = await lookupAll(ports, records);
    const stored = await ports.store.get(latecomer.image.digest);
    const latecomerFound = stored === null ? [] : await ports.index.lookup(indexedChains(stored));

    expect(emptied).toBe(0);
    expect(after).toEqual(before);
    expect(latecomerFound.every((list) => list.includes(latecomer.image.digest))).toBe(true);
  }, 120_000);

  it('rides out a broker restart', async () => {
    const services = inject('services');
    const names = createTestNames('broker restart');
    const runDirectory = await mkdtemp(join(tmpdir(), 'strata-kafka-'));
    const kafka = new DedicatedKafka(runDirectory, await freePort(), await freePort());
    cleanups.push(() => rm(runDirectory, { recursive: true, force: true }));
    cleanups.push(() => kafka.down());
    await kafka.up();
    const brokers = [`127.0.0.1:${kafka.port}`];
    const ports = await connectTestPorts({ ...services, kafkaBrokers: brokers }, names);
    cleanups.push(() => ports.close());
    const settings = testSettings(names);
    const { worker } = testWorker(ports, settings);
    cleanups.push(() => worker.stop());
    const published = events();
    await worker.start();
    await ports.bus.publish(
      settings.analyzedTopic,
      published.map((event) => analyzedMessage(event)),
    );
    await waitUntil(async () => (await topicLength(ports, settings.indexedTopic)) >= 20);
    await kafka.down();
    await kafka.up();
    await waitForCommitted(ports, settings.groupId, settings.analyzedTopic);
    const digests = published.map((event) => event.image.digest);
    const records = await ports.store.getMany(digests);
    const announcedDigests = await collectKeys(
      ports,
      settings.indexedTopic,
      names.unique('collector'),
      digests,
    );

    expect(records).toHaveLength(published.length);
    expect(digests.filter((digest) => !announcedDigests.has(digest))).toEqual([]);
    expect(await topicLength(ports, `${settings.analyzedTopic}.dlq`)).toBe(0);
    expect(worker.state).toBe('running');
  }, 300_000);
});
