import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { PortSet } from '@strata/cli';
import type { ConsumedMessage, EventBus } from '@strata/core';
import { officialImageEvents } from '@strata/datasets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runCli } from './cli-run.ts';
import { officialExpectations } from '../e2e/expected-results.ts';
import { Pipeline } from './pipeline.ts';

const pipeline = new Pipeline('cli-replay');
const directory = mkdtempSync(join(tmpdir(), 'strata-replay-'));
const events = officialImageEvents();
const digests = events.map((event) => event.image.digest);
const expected = officialExpectations();
const analyzed: ConsumedMessage[] = [];

interface AncestryBody {
  parent: { digest: string } | null;
  base: { digest: string } | null;
  replay?: boolean;
}

function ancestryOf(digest: string): AncestryBody | undefined {
  return pipeline.latest(pipeline.topics.ancestry, digest) as AncestryBody | undefined;
}

/** Returns whether the latest ancestry of an image names its known parent and base. */
function settled(digest: string): boolean {
  const ancestry = ancestryOf(digest);
  const known = expected.get(digest);

  return (
    ancestry !== undefined &&
    known !== undefined &&
    (ancestry.parent?.digest ?? null) === known.parent &&
    (ancestry.base?.digest ?? null) === known.base
  );
}

function replayedRecords(): ConsumedMessage[] {
  return analyzed.filter((message) => message.headers['strata-replay'] === 'true');
}

beforeAll(async () => {
  await pipeline.start();
  const bus = await pipeline.ports().bus();
  await bus.subscribe({
    groupId: `${pipeline.env.GROUP}-analyzed-reader`,
    topics: [pipeline.topics.analyzed],
    fromBeginning: true,
    eachBatch: (batch) => {
      analyzed.push(...batch.messages);
      return Promise.resolve();
    },
  });
  const file = join(directory, 'official.ndjson');
  writeFileSync(file, events.map((event) => JSON.stringify(event)).join('\n'));
  const run = await runCli(pipeline.cliServices(), ['publish', file]);
  expect(run.exitCode).toBe(0);
  // An image analyzed before its parent gets a first result without it and a second one when the
  // parent arrives. So the replay starts only once every latest result names the known ancestry.
  await pipeline.waitFor('known ancestry of every official image', () => digests.every(settled));
}, 120_000);

afterAll(async () => {
  await pipeline.stop();
  rmSync(directory, { recursive: true, force: true });
});

/** Wraps the bus of a port set so that the first publish triggers the interrupt handler. */
function interruptAfterFirstPublish(ports: PortSet, interrupt: () => void): PortSet {
  return {
    ...ports,
    bus: async () => {
      const bus = await ports.bus();
      const wrapped: EventBus = Object.create(bus) as EventBus;
      wrapped.publish = async (topic, messages) => {
        await bus.publish(topic, messages);
        interrupt();
      };

      return wrapped;
    },
  };
}

describe('strata replay', () => {
  it('resumes an interrupted replay without losing or repeating analyses', async () => {
    const checkpoint = join(directory, 'checkpoint.json');
    let handler: () => void = () => undefined;
    const interrupted = await runCli(
      pipeline.cliServices(),
      ['replay', '--batch-size', '5', '--checkpoint', checkpoint],
      {
        onInterrupt: (registered) => {
          handler = registered;
          return () => undefined;
        },
        connect: (env, logger) =>
          interruptAfterFirstPublish(pipeline.cliServices().connect(env, logger), () => handler()),
      },
    );

    expect(interrupted.exitCode).toBe(130);
    expect(interrupted.stdout).toContain('--resume');

    const resumed = await runCli(pipeline.cliServices(), [
      'replay',
      '--batch-size',
      '5',
      '--checkpoint',
      checkpoint,
      '--resume',
      '--output',
      'json',
    ]);
    const summary = JSON.parse(resumed.stdout) as { published: number; done: boolean };

    expect(resumed.exitCode).toBe(0);
    expect(summary.published).toBe(digests.length);
    expect(summary.done).toBe(true);
    expect(resumed.stderr).toMatch(/analyses, [\d.]+\/s/);

    await pipeline.waitFor(
      'every replayed record',
      () => replayedRecords().length >= digests.length,
    );
    const keys = replayedRecords().map((message) => message.key);

    expect(keys).toHaveLength(digests.length);
    expect(new Set(keys).size).toBe(digests.length);
    expect([...keys].sort()).toEqual([...digests].sort());

    await pipeline.waitFor('replayed ancestry of every image', () =>
      digests.every((digest) => ancestryOf(digest)?.replay === true),
    );
    expect(digests.filter((digest) => !settled(digest))).toEqual([]);
  });

  it('rejects --resume with another selection', async () => {
    const checkpoint = join(directory, 'checkpoint.json');
    const run = await runCli(pipeline.cliServices(), [
      'replay',
      '--checkpoint',
      checkpoint,
      '--resume',
      '--image',
      digests[0] ?? '',
    ]);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('another selection');
  });

  it('replays chosen images from the S3 archive', async () => {
    const chosen = digests.slice(0, 2);
    const run = await runCli(pipeline.cliServices(), [
      'replay',
      '--source',
      's3',
      '--image',
      ...chosen,
      '--checkpoint',
      join(directory, 's3.json'),
      '--output',
      'json',
    ]);
    expect(run.stderr).not.toContain('strata:');
    expect(run.exitCode).toBe(0);
    const summary = JSON.parse(run.stdout) as { published: number };

    expect(summary.published).toBeGreaterThanOrEqual(chosen.length);
  });
});
