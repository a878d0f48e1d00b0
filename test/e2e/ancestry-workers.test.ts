import { createHash } from 'node:crypto';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { convertTrivyReport } from '@strata/core';
import type { AnalyzedEvent } from '@strata/core';
import { scannerOutput } from '@strata/datasets';
import { afterEach, describe, expect, it } from 'vitest';
import { E2eDeployment } from './e2e-deployment.ts';
import {
  ancestryProblems,
  officialExpectations,
  shuffledOfficialEvents,
} from './expected-results.ts';
import { publishJson, ResultCollector, testBus, waitForNoProblems } from './result-collector.ts';

/** Bound of every wait for results. On an idle machine a wait ends within seconds. */
const RESULT_TIMEOUT_MS = 120_000;

let cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function deploy(label: string, settings: Record<string, string> = {}) {
  const deployment = new E2eDeployment(label, settings);
  const bus = testBus(deployment.addresses.KAFKA_BROKERS ?? '');
  const { topics } = deployment;
  await bus.ensureTopics(Object.values(topics));
  const collector = new ResultCollector();
  await collector.start(bus, [topics.ancestry, topics.baseComparison], deployment.readerGroup);
  cleanups.push(
    () => bus.close(),
    () => collector.stop(),
    () => deployment.stop(),
  );
  deployment.start('ingestion-worker');
  deployment.start('ancestry-worker');
  const publish = (events: readonly AnalyzedEvent[]) =>
    publishJson(bus, topics.analyzed, events, (event) => event.image.digest);

  return { deployment, bus, collector, publish };
}

interface TrivyVulnerability {
  VulnerabilityID: string;
  PkgName: string;
  InstalledVersion: string;
}

interface TrivyReport {
  Results: { Vulnerabilities?: TrivyVulnerability[] }[];
}

function distrolessEvents(): [AnalyzedEvent, AnalyzedEvent] {
  const time = '2026-01-31T12:00:00Z';
  const base = convertTrivyReport(scannerOutput('trivy/distroless-base.json'), {
    digest: `sha256:${'a'.repeat(64)}`,
    analyzedAt: time,
  });
  const python = convertTrivyReport(scannerOutput('trivy/distroless-python27.json'), {
    digest: `sha256:${'b'.repeat(64)}`,
    analyzedAt: time,
  });

  return [base, python];
}

async function readObject(addresses: Record<string, string>, uri: string): Promise<Buffer> {
  const { bucket, key } = /^s3:\/\/(?<bucket>[^/]+)\/(?<key>.+)$/.exec(uri)?.groups ?? {};
  const client = new S3Client({
    endpoint: addresses.S3_ENDPOINT,
    region: addresses.S3_REGION,
    credentials: {
      accessKeyId: addresses.S3_ACCESS_KEY_ID ?? '',
      secretAccessKey: addresses.S3_SECRET_ACCESS_KEY ?? '',
    },
    forcePathStyle: true,
  });
  try {
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));

    return Buffer.from((await object.Body?.transformToByteArray()) ?? []);
  } finally {
    client.destroy();
  }
}

function trivyFindings(name: 'trivy/distroless-base.json' | 'trivy/distroless-python27.json') {
  const report = scannerOutput(name) as TrivyReport;

  return report.Results.flatMap((result) => result.Vulnerabilities ?? []).map(
    (finding) => `${finding.VulnerabilityID} ${finding.PkgName} ${finding.InstalledVersion}`,
  );
}

describe('ingestion and ancestry workers as processes', () => {
  it('derives every official ancestry in random order', { timeout: 300_000 }, async () => {
    const seed = Date.now() % 1_000_000;
    const { deployment, collector, publish } = await deploy('e2e-official');
    const expected = officialExpectations();
    await publish(shuffledOfficialEvents(seed));

    await waitForNoProblems(
      `the official ancestries (order seed ${seed})`,
      () => ancestryProblems(expected, collector.latest(deployment.topics.ancestry)),
      RESULT_TIMEOUT_MS,
      () => deployment.output(),
    );
    expect(ancestryProblems(expected, collector.latest(deployment.topics.ancestry))).toEqual([]);
    expect(collector.latest(deployment.topics.ancestry).size).toBe(expected.size);
  });

  it('updates every descendant when their base arrives last', { timeout: 300_000 }, async () => {
    const { deployment, collector, publish } = await deploy('e2e-base-last');
    const expected = officialExpectations();
    const events = shuffledOfficialEvents(7);
    const bases = new Set([...expected.values()].flatMap((image) => image.base ?? []));
    const [lastBase] = [...bases].sort();
    const early = events.filter((event) => event.image.digest !== lastBase);
    const last = events.filter((event) => event.image.digest === lastBase);
    const descendants = [...expected].filter(([, image]) => image.base === lastBase);
    const ancestries = () => collector.latest(deployment.topics.ancestry);
    await publish(early);
    await waitForNoProblems(
      'results of every image but the base',
      () =>
        early.flatMap((event) =>
          ancestries().has(event.image.digest) ? [] : [event.image.digest],
        ),
      RESULT_TIMEOUT_MS,
      () => deployment.output(),
    );
    const before = descendants.map(([digest]) => ancestries().get(digest)?.version ?? 0);
    await publish(last);

    await waitForNoProblems(
      'the official ancestries after the base',
      () => ancestryProblems(expected, ancestries()),
      RESULT_TIMEOUT_MS,
      () => deployment.output(),
    );
    const after = descendants.map(([digest]) => ancestries().get(digest)?.version ?? 0);
    expect(descendants.length).toBeGreaterThan(0);
    after.forEach((version, position) => expect(version).toBeGreaterThan(before[position] ?? 0));
  });

  it('attributes the distroless findings to their base', { timeout: 300_000 }, async () => {
    const { deployment, collector, publish } = await deploy('e2e-distroless');
    const [base, python] = distrolessEvents();
    const baseFindings = new Set(trivyFindings('trivy/distroless-base.json'));
    const pythonFindings = trivyFindings('trivy/distroless-python27.json');
    const inherited = pythonFindings.filter((finding) => baseFindings.has(finding)).sort();
    const introduced = pythonFindings.filter((finding) => !baseFindings.has(finding)).sort();
    const comparisons = () => collector.latest(deployment.topics.baseComparison);
    await publish([python, base]);

    await waitForNoProblems(
      'the comparison of distroless-python27',
      () => (comparisons().has(python.image.digest) ? [] : ['no comparison yet']),
      RESULT_TIMEOUT_MS,
      () => deployment.output(),
    );
    const body = comparisons().get(python.image.digest)?.value as {
      comparedTo: { digest: string; relation: string };
      vulnerabilities: {
        id: string;
        status: string;
        package: { name: string; version: string };
      }[];
    };
    const withStatus = (status: string) =>
      body.vulnerabilities
        .filter((finding) => finding.status === status)
        .map((finding) => `${finding.id} ${finding.package.name} ${finding.package.version}`)
        .sort();
    expect(body.comparedTo).toEqual({ digest: base.image.digest, relation: 'base' });
    expect(withStatus('inherited')).toEqual(inherited);
    expect(withStatus('introduced')).toEqual(introduced);
    expect(inherited.length).toBeGreaterThan(0);
    expect(comparisons().has(base.image.digest)).toBe(false);
  });

  it('stores a large comparison in S3 behind resultRef', { timeout: 300_000 }, async () => {
    const { deployment, collector, publish } = await deploy('e2e-large-result', {
      RESULT_MAX_INLINE_BYTES: '1024',
    });
    const [base, python] = distrolessEvents();
    const comparisons = () => collector.latest(deployment.topics.baseComparison);
    await publish([base, python]);

    await waitForNoProblems(
      'the comparison of distroless-python27',
      () => (comparisons().has(python.image.digest) ? [] : ['no comparison yet']),
      RESULT_TIMEOUT_MS,
      () => deployment.output(),
    );
    const reference = comparisons().get(python.image.digest)?.value as {
      version: number;
      resultRef: { uri: string; sha256: string; bytes: number };
      counts: { inherited: number };
    };
    const body = await readObject(deployment.addresses, reference.resultRef.uri);
    const full = JSON.parse(body.toString('utf8')) as {
      version: number;
      vulnerabilities: unknown[];
    };
    expect(createHash('sha256').update(body).digest('hex')).toBe(reference.resultRef.sha256);
    expect(body.length).toBe(reference.resultRef.bytes);
    expect(body.length).toBeGreaterThan(1024);
    expect(full.version).toBe(reference.version);
    expect(full.vulnerabilities).toHaveLength(python.vulnerabilities?.length ?? -1);
    expect(reference.counts.inherited).toBe(full.vulnerabilities.length);
  });
});
