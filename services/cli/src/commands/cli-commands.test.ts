import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { officialImageEvents } from '@strata/datasets';
import {
  InMemoryChainIndex,
  InMemoryEventBus,
  InMemoryImageStore,
  InMemoryObjectStore,
} from '@strata/memory';
import { createLogger } from '@strata/runtime';
import { indexedChains, toImageRecord } from '@strata/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { CliServices } from '../cli-services.ts';
import type { CommandIo } from '../command-io.ts';
import { lazyPortSet } from '../ports/port-set.ts';
import { runProgram } from '../run-program.ts';

const directory = mkdtempSync(join(tmpdir(), 'strata-cli-'));
const logger = createLogger({ service: 'cli-unit', level: 'silent' });
const bus = new InMemoryEventBus({ logger });
const store = new InMemoryImageStore();
const index = new InMemoryChainIndex();
const objects = new InMemoryObjectStore();
const events = officialImageEvents();

function connected<T>(value: T) {
  return () => Promise.resolve({ value, close: () => Promise.resolve() });
}

async function run(args: readonly string[]) {
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  const io: CommandIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    openInput: async function* (path: string) {
      yield (await import('node:fs/promises')).readFile(path, 'utf8');
    },
    readInput: async (path: string) => (await import('node:fs/promises')).readFile(path, 'utf8'),
    setExitCode: (code: number) => {
      exitCode = code;
    },
  };
  const services: CliServices = {
    io,
    env: { S3_BUCKET: 'unit' },
    clock: () => Date.parse('2026-02-01T00:00:00Z'),
    connect: () =>
      lazyPortSet({
        bus: connected(bus),
        store: connected(store),
        index: connected(index),
        objects: connected({ store: objects, bucket: 'unit' }),
        groups: connected({ resetOffsetsToTime: () => Promise.resolve() }),
      }),
    stderrIsTty: false,
    onInterrupt: () => () => undefined,
  };
  await runProgram(io, ['node', 'strata', ...args], services);

  return { stdout, stderr, exitCode };
}

beforeAll(async () => {
  for (const event of events) {
    const record = toImageRecord(event);
    await store.upsert(record);
    await index.add(record.image.digest, indexedChains(record));
  }
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('strata publish', () => {
  it('publishes valid lines and rejects the others with exit 3', async () => {
    const file = join(directory, 'mixed.ndjson');
    writeFileSync(file, [JSON.stringify(events[0]), '{"schemaVersion":1}', 'not json'].join('\n'));
    const result = await run(['publish', '--topic', 'unit.analyzed', file]);

    expect(result.exitCode).toBe(3);
    expect(result.stdout).toContain('1 event published to unit.analyzed, 2 inputs rejected');
    expect(result.stderr).toContain(`${file}:2`);
    expect(result.stderr).toContain(`${file}:3`);
    expect(bus.topicLength('unit.analyzed')).toBe(1);
  });

  it('sends large findings through the object store', async () => {
    const event = {
      ...events[0],
      vulnerabilities: [
        { id: 'CVE-1', severity: 'High', package: { name: 'p', version: '1', type: 'deb' } },
      ],
    };
    const file = join(directory, 'large.json');
    writeFileSync(file, JSON.stringify(event));
    const result = await run([
      'publish',
      '--topic',
      'unit.large',
      '--max-inline-bytes',
      '10',
      file,
    ]);
    const keys: string[] = [];
    for await (const key of objects.list('analyses/')) keys.push(key);

    expect(result.exitCode).toBe(0);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^analyses\/sha256\/[0-9a-f]{64}\/[0-9a-f]{64}\.json$/);
  });

  it('rejects an invalid --digest with exit 2', async () => {
    const file = join(directory, 'report.json');
    writeFileSync(file, '{}');
    const result = await run(['publish', '--from', 'trivy', '--digest', 'sha256:1', file]);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--digest: invalid digest');
  });

  it('rejects an unknown option with exit 2', async () => {
    const result = await run(['publish', '--no-such-option', 'events.ndjson']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--no-such-option');
  });

  it('exits 1 when every input is rejected', async () => {
    const file = join(directory, 'bad.json');
    writeFileSync(file, '{}');

    expect((await run(['publish', file])).exitCode).toBe(1);
  });
});

describe('strata ancestors', () => {
  it('prints the ancestors of a tag from the base', async () => {
    const result = await run(['ancestors', 'python:3.11-bullseye']);
    const lines = result.stdout.trim().split('\n');

    expect(result.exitCode).toBe(0);
    expect(lines[0]).toContain('debian:bullseye');
    expect(lines[0]).toContain('base');
    expect(lines.at(-1)).toContain('python:3.11-bullseye  [image]');
  });

  it('exits 5 for an unknown tag', async () => {
    const result = await run(['ancestors', 'nginx:0']);

    expect(result.exitCode).toBe(5);
    expect(result.stderr).toContain('nginx:0 is not stored');
  });
});

describe('strata descendants', () => {
  it('nests each descendant under its nearest relative', async () => {
    const result = await run(['descendants', '--output', 'json', 'buildpack-deps:bullseye-scm']);
    const body = JSON.parse(result.stdout) as { descendants: { tags: string[]; parent: string }[] };
    const byTag = new Map(body.descendants.map((entry) => [entry.tags[0], entry.parent]));
    const digestOf = (tag: string) =>
      events.find((event) => event.image.tags?.[0] === tag)?.image.digest;

    expect(byTag.get('buildpack-deps:bullseye')).toBe(digestOf('buildpack-deps:bullseye-scm'));
    expect(byTag.get('python:3.11-bullseye')).toBe(digestOf('buildpack-deps:bullseye'));
    expect(byTag.get('golang:1.19-bullseye')).toBe(digestOf('buildpack-deps:bullseye-scm'));
  });
});

describe('strata compare', () => {
  it('rejects an invalid --to with exit 2', async () => {
    const result = await run(['compare', '--to', 'grandparent', 'python:3.11-bullseye']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--to');
  });
});

describe('strata replay', () => {
  it('publishes every stored image marked as replay', async () => {
    const checkpoint = join(directory, 'replay.json');
    const result = await run([
      'replay',
      '--topic',
      'unit.replay',
      '--checkpoint',
      checkpoint,
      '--batch-size',
      '4',
    ]);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`${events.length} analyses replayed`);
    expect(bus.topicLength('unit.replay')).toBe(events.length);
  });

  it('rejects --resume without a checkpoint', async () => {
    const result = await run(['replay', '--resume', '--checkpoint', join(directory, 'none.json')]);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('no checkpoint');
  });
});

describe('strata demo', () => {
  it('prints the forest and the distroless comparison offline', async () => {
    const result = await run(['demo']);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^sha256:640e07a7971e {2}debian:bullseye$/m);
    expect(result.stdout).toMatch(/└─ sha256:6fcac2cc8a71 {2}\S+distroless-python27/);
    expect(result.stdout).toContain('inherited 4, introduced 0');
  });
});
