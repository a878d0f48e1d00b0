import { setTimeout as sleep } from 'node:timers/promises';
import { CreateBucketCommand, DeleteBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { AnalyzedEvent } from '@strata/core';
import { afterEach, describe, expect, it } from 'vitest';
import { E2eDeployment } from './e2e-deployment.ts';
import { publishJson, ResultCollector, testBus, waitForNoProblems } from './result-collector.ts';

/** Bound of every wait for the workers. On an idle machine a wait ends within seconds. */
const WAIT_MS = 90_000;

let cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

function s3Client(addresses: Record<string, string>): S3Client {
  return new S3Client({
    endpoint: addresses.S3_ENDPOINT,
    region: addresses.S3_REGION,
    credentials: {
      accessKeyId: addresses.S3_ACCESS_KEY_ID ?? '',
      secretAccessKey: addresses.S3_SECRET_ACCESS_KEY ?? '',
    },
    forcePathStyle: true,
  });
}

/** Builds an event whose ancestry result is larger than 1 KiB because of its tags. */
function manyTaggedEvent(): AnalyzedEvent {
  const digest = `sha256:${'c'.repeat(64)}`;
  const tags = Array.from({ length: 40 }, (_, n) => `registry.example.test/team/app:build-${n}`);

  return {
    schemaVersion: 1,
    analyzedAt: '2026-01-31T12:00:00Z',
    image: { digest, layers: [{ digest: `sha256:${'d'.repeat(64)}` }], tags },
    vulnerabilities: [],
  };
}

function runningWorkers(deployment: E2eDeployment): number {
  return deployment.output().split('"state":"running"').length - 1;
}

describe('workers when the result bucket is gone', () => {
  it('waits for the bucket instead of dead-lettering', { timeout: 180_000 }, async () => {
    const deployment = new E2eDeployment('result-bucket-gone', {
      RESULT_MAX_INLINE_BYTES: '1024',
      LOG_LEVEL: 'info',
    });
    const bus = testBus(deployment.addresses.KAFKA_BROKERS ?? '');
    const { topics } = deployment;
    const deadLetterTopic = `${topics.indexed}.dlq`;
    await bus.ensureTopics([...Object.values(topics), deadLetterTopic]);
    const collector = new ResultCollector();
    const collected = [topics.ancestry, deadLetterTopic];
    await collector.start(bus, collected, deployment.readerGroup);
    const s3 = s3Client(deployment.addresses);
    cleanups.push(
      () => bus.close(),
      () => collector.stop(),
      () => deployment.stop(),
      () => Promise.resolve(s3.destroy()),
    );
    deployment.start('ingestion-worker');
    deployment.start('ancestry-worker');
    await waitForNoProblems(
      'both workers to run',
      () => (runningWorkers(deployment) >= 2 ? [] : ['not running']),
      WAIT_MS,
      () => deployment.output(),
    );
    const bucket = deployment.bucket;
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    const event = manyTaggedEvent();
    await publishJson(bus, topics.analyzed, [event], (each) => each.image.digest);
    await sleep(5_000);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await waitForNoProblems(
      'the ancestry result by reference',
      () => (collector.latest(topics.ancestry).has(event.image.digest) ? [] : ['no result']),
      WAIT_MS,
      () => deployment.output(),
    );

    const result = collector.latest(topics.ancestry).get(event.image.digest);
    expect(result?.value?.resultRef).toBeDefined();
    expect(collector.latest(deadLetterTopic).size).toBe(0);
  });
});
