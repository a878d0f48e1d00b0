import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registryImages, type RegistryImages } from '../registry/registry-images.ts';
import { runCli } from './cli-run.ts';
import { Pipeline } from './pipeline.ts';

let images: RegistryImages;
const pipeline = new Pipeline('cli-registry');
const digests = new Map<string, string>();

interface AncestryBody {
  parent: { digest: string } | null;
  base: { digest: string } | null;
  ancestors: { digest: string; matchedLayers: number; matchedBy: string }[];
}

function ancestryOf(digest: string): AncestryBody | undefined {
  return pipeline.latest(pipeline.topics.ancestry, digest) as AncestryBody | undefined;
}

function digestOf(name: string): string {
  const digest = digests.get(name);
  if (digest === undefined) throw new Error(`no digest for ${name}`);

  return digest;
}

beforeAll(async () => {
  images = await registryImages();
  await pipeline.start();
  const references = {
    distro: `${images.registry}/strata-test/distro:1`,
    runtime: `${images.registry}/strata-test/runtime:1`,
    app: `${images.registry}/strata-test/app:1`,
    zstd: `${images.zstdRegistry}/strata-test/app:1`,
  };
  for (const [name, reference] of Object.entries(references)) {
    const run = await runCli(pipeline.cliServices(), [
      'publish',
      '--from',
      'registry',
      '--insecure',
      '--output',
      'json',
      reference,
    ]);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const summary = JSON.parse(run.stdout) as { images: string[] };
    digests.set(name, summary.images[0] ?? '');
  }

  await pipeline.waitFor(
    'ancestry of all four images',
    () =>
      [...digests.values()].every((digest) => ancestryOf(digest) !== undefined) &&
      ancestryOf(digestOf('zstd'))?.parent !== null &&
      ancestryOf(digestOf('app'))?.parent !== null,
  );
}, 120_000);

afterAll(async () => {
  await pipeline.stop();
});

describe('strata publish --from registry', () => {
  it('gives the zstd copy its parent by diff ID', () => {
    const ancestry = ancestryOf(digestOf('zstd'));

    expect(digestOf('zstd')).not.toBe(digestOf('app'));
    expect(ancestry?.parent?.digest).toBe(digestOf('runtime'));
    expect(ancestry?.base?.digest).toBe(digestOf('distro'));
    expect(ancestry?.ancestors[0]?.matchedBy).toBe('diffId');
    expect(ancestry?.ancestors[0]?.matchedLayers).toBe(3);
  });

  it('gives each level its parent and base', () => {
    expect(ancestryOf(digestOf('distro'))?.parent).toBeNull();
    expect(ancestryOf(digestOf('runtime'))?.parent?.digest).toBe(digestOf('distro'));
    expect(ancestryOf(digestOf('app'))?.parent?.digest).toBe(digestOf('runtime'));
    expect(ancestryOf(digestOf('app'))?.base?.digest).toBe(digestOf('distro'));
  });

  it('resolves an index and skips its attestation', async () => {
    const run = await runCli(pipeline.cliServices(), [
      'publish',
      '--from',
      'registry',
      '--insecure',
      '--dry-run',
      `${images.registry}/strata-test/multi:1`,
    ]);
    const events = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { image: { digest: string; indexDigest?: string } });

    expect(run.exitCode).toBe(0);
    expect(events).toHaveLength(1);
    expect(events[0]?.image.digest).toBe(digestOf('app'));
    expect(events[0]?.image.indexDigest).toMatch(/^sha256:/);
  });

  it('rejects an unknown tag with exit code 1', async () => {
    const run = await runCli(pipeline.cliServices(), [
      'publish',
      '--from',
      'registry',
      '--insecure',
      `${images.registry}/strata-test/app:missing`,
    ]);

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('returned 404');
  });
});

describe('strata queries', () => {
  it('prints the ancestors as a tree from the base', async () => {
    const run = await runCli(pipeline.cliServices(), ['ancestors', digestOf('zstd')]);
    const lines = run.stdout.trim().split('\n');

    expect(run.exitCode).toBe(0);
    expect(lines[0]).toContain(digestOf('distro').slice(0, 19));
    expect(lines[0]).toContain('base');
    expect(lines[1]).toContain(digestOf('runtime').slice(0, 19));
    expect(lines[1]).toContain('parent');
    expect(lines[2]).toContain('[image]');
  });

  it('finds an image by its stored tag', async () => {
    const run = await runCli(pipeline.cliServices(), [
      'ancestors',
      '--output',
      'json',
      `${images.registry}/strata-test/app:1`,
    ]);
    const ancestry = JSON.parse(run.stdout) as AncestryBody;

    expect(run.exitCode).toBe(0);
    expect(ancestry.parent?.digest).toBe(digestOf('runtime'));
  });

  it('prints the descendants of the base as a tree', async () => {
    const run = await runCli(pipeline.cliServices(), [
      'descendants',
      '--output',
      'json',
      digestOf('distro'),
    ]);
    const body = JSON.parse(run.stdout) as { descendants: { digest: string; parent: string }[] };
    const parents = new Map(body.descendants.map((entry) => [entry.digest, entry.parent]));

    expect(run.exitCode).toBe(0);
    expect(parents.get(digestOf('runtime'))).toBe(digestOf('distro'));
    expect(parents.get(digestOf('app'))).toBe(digestOf('runtime'));
    expect(parents.get(digestOf('zstd'))).toBe(digestOf('runtime'));
  });

  it('draws the ancestry as a Mermaid graph', async () => {
    const run = await runCli(pipeline.cliServices(), [
      'ancestors',
      '--format',
      'mermaid',
      digestOf('app'),
    ]);

    expect(run.stdout.startsWith('flowchart TD\n')).toBe(true);
    expect(run.stdout.match(/-->/g)).toHaveLength(2);
  });

  it('compares an image with its base', async () => {
    const run = await runCli(pipeline.cliServices(), [
      'compare',
      '--output',
      'json',
      digestOf('app'),
    ]);
    const comparison = JSON.parse(run.stdout) as {
      comparedTo: { digest: string; relation: string };
    };

    expect(run.exitCode).toBe(0);
    expect(comparison.comparedTo).toEqual({ digest: digestOf('distro'), relation: 'base' });
  });

  it('exits 5 for an image that is not stored', async () => {
    const run = await runCli(pipeline.cliServices(), ['ancestors', `sha256:${'0'.repeat(64)}`]);

    expect(run.exitCode).toBe(5);
    expect(run.stderr).toContain('is not stored');
  });
});

describe('strata tail', () => {
  it('prints the stored results from the beginning', async () => {
    // Every stored result, so that both topics appear whichever one the consumer fetches first.
    const count = pipeline.resultCount;
    const run = await runCli(pipeline.cliServices(), [
      'tail',
      '--from-beginning',
      '--count',
      String(count),
    ]);

    expect(run.exitCode).toBe(0);
    expect(run.stdout.match(/^── /gm)?.length).toBe(count);
    expect(run.stdout).toContain(pipeline.topics.ancestry);
  });
});

describe('strata index rebuild', () => {
  it('rebuilds the index from the stored images', async () => {
    const run = await runCli(pipeline.cliServices(), [
      'index',
      'rebuild',
      '--clear',
      '--output',
      'json',
    ]);
    const summary = JSON.parse(run.stdout) as { images: number; entries: number };

    expect(run.exitCode).toBe(0);
    expect(summary.images).toBe(4);
    expect(summary.entries).toBeGreaterThanOrEqual(4);
  });
});
