import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ROOT } from './bench-process.ts';

// Runs the benchmark harness at its smallest scale, so that it keeps working. It checks that
// every phase ran and wrote well-formed figures, never how fast anything was.

const figure = z.number().finite().nonnegative();
const latency = z.object({
  n: z.number().int().positive(),
  p50Ms: figure,
  p99Ms: figure,
  meanMs: figure,
});
const spread = z.object({
  n: z.number().int().positive(),
  min: figure,
  median: figure,
  max: figure,
});
const series = z.object({ all: latency, p99Ms: spread, lookupsPerSecond: spread });
const run = z.object({
  events: z.number().int().positive(),
  completed: z.number().int(),
  eventsPerSecond: figure,
});
const resultsSchema = z.object({
  loadAverage: z.object({ start: z.array(figure).length(3), end: z.array(figure).length(3) }),
  lookup: z
    .array(
      z.object({
        images: z.number().int().positive(),
        memory: z.object({ bytesPerImage: figure }).nullable(),
        redisLookup: series,
        deriveAncestry: series,
        relations: z.object({ checked: z.number().int().positive(), missing: z.number().int() }),
      }),
    )
    .length(3),
  naive: z.object({ variants: z.array(z.object({ name: z.string(), latency })).length(3) }),
  pipeline: z.object({
    strata: run,
    relay: z.object({ runs: z.array(run).min(1), eventsPerSecond: spread }),
    relayRatio: figure,
    fanOut: z.object({
      images: z.number().int().positive(),
      completed: z.number().int(),
      durationMs: figure,
    }),
    rss: z
      .array(
        z.object({ process: z.string(), samples: z.number().int().positive(), maxBytes: figure }),
      )
      .length(2),
    profiles: z.array(z.object({ process: z.string(), profiledMs: figure })).length(2),
  }),
});

const output = mkdtempSync(join(tmpdir(), 'strata-bench-'));

afterAll(() => {
  rmSync(output, { recursive: true, force: true });
});

describe('benchmark harness', () => {
  it('writes well-formed figures for every phase', { timeout: 600_000 }, async () => {
    const args = ['--conditions=@strata/source', '--disable-warning=ExperimentalWarning'];
    args.push('test/bench/main.ts', '--scale', 'ci', '--out', output);
    await promisify(execFile)(process.execPath, args, { cwd: ROOT, maxBuffer: 16 * 2 ** 20 });

    const results = resultsSchema.parse(
      JSON.parse(readFileSync(join(output, 'results.json'), 'utf8')),
    );
    const report = readFileSync(join(output, 'benchmarks.md'), 'utf8');

    expect(results.pipeline.strata.completed).toBe(results.pipeline.strata.events);
    expect(results.pipeline.fanOut.completed).toBe(results.pipeline.fanOut.images);
    for (const size of results.lookup) expect(size.relations.missing).toBe(0);
    expect(report).toContain('## Targets');
    expect(report).toContain('## End-to-end throughput');
  });
});
