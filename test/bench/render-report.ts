import { existsSync, readFileSync } from 'node:fs';
import type { BenchResults } from './bench-results.ts';
import { renderMethod } from './render-method.ts';
import { renderPipeline } from './render-pipeline.ts';
import { count, ms, ratio, spread, table } from './render-format.ts';
import { IN_FLIGHT } from './lookup-bench.ts';
import type { LookupSizeResult } from './lookup-bench.ts';

/** Hand-written reading of the figures, kept next to the harness and appended to the report. */
const ANALYSIS_FILE = new URL('./analysis.md', import.meta.url);

/** Renders the Markdown report of a benchmark run: machine, targets, every figure, method. */
export function renderReport(results: BenchResults): string {
  const sections = [
    '# Benchmarks',
    `Written by \`pnpm bench -- --scale ${results.scale.name}\` (\`test/bench/main.ts\`) from ` +
      `${results.startedAt} to ${results.finishedAt}. Each figure comes with its spread: ` +
      'p50 and p99 over n timed operations, or min / median / max over repetitions. ' +
      '`--scale tiny` runs the same phases at small sizes. The integration suite runs ' +
      '`--scale ci` (`test/bench/bench-harness.test.ts`) and checks only that every phase ' +
      'wrote well-formed figures, never a timing.',
    renderMachine(results),
    renderTargets(results),
    renderLookup(results),
    renderNaive(results),
    renderPipeline(results.pipeline),
    renderMethod(results),
  ];
  if (existsSync(ANALYSIS_FILE)) sections.push(readFileSync(ANALYSIS_FILE, 'utf8').trim());

  return `${sections.filter((section) => section !== '').join('\n\n')}\n`;
}

function renderMachine(results: BenchResults): string {
  const { machine, loadAverage, redis, mongodb } = results;
  const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(' / ');
  const rows = [
    ['CPU', machine.cpu],
    ['memory', `${machine.memoryGiB} GiB`],
    ['kernel', machine.kernel],
    ['Node.js', machine.node],
    ['measured source', results.source ?? 'not recorded'],
    ['load average (1 / 5 / 15 min) at start', load(loadAverage.start)],
    ['load average (1 / 5 / 15 min) at end', load(loadAverage.end)],
  ];
  const separateRuns = [
    ['naive lookup figures', results.naiveRun],
    ['pipeline figures', results.pipelineRun],
  ] as const;
  for (const [figures, run] of separateRuns) {
    if (run !== undefined) {
      rows.push([
        figures,
        `a separate run, ${run.startedAt} to ${run.finishedAt}, source ${run.source}, load ` +
          `average ${load(run.loadAverage.start)} at start and ${load(run.loadAverage.end)} at end`,
      ]);
    }
  }
  if (redis !== undefined) {
    const config = Object.entries(redis.config).map(([key, value]) => `${key} ${value}`);
    const where = redis.dedicated ? 'a redis-server started by the run' : 'the shared server';
    rows.push([
      'Redis of the lookup benchmark',
      `${redis.version}, ${where}, ${config.join(', ')}`,
    ]);
  }
  if (mongodb !== undefined) {
    const where = mongodb.dedicated ? 'started by the run' : 'the shared server';
    rows.push([
      'MongoDB-wire database of the naive and pipeline runs',
      `${mongodb.server}, ${where}`,
    ]);
  }

  return `## Machine\n\n${table(['what', 'value'], rows)}`;
}

function byteFigure(size: LookupSizeResult | undefined): string {
  return size?.memory === null || size?.memory === undefined
    ? 'not measured'
    : `${size.memory.bytesPerImage} B`;
}

function renderTargets(results: BenchResults): string {
  const rows: string[][] = [];
  const sizes = results.lookup ?? [];
  const [smallest, largest] = [sizes[0], sizes.at(-1)];
  if (smallest !== undefined && largest !== undefined) {
    const p99 = largest.redisLookup.all.p99Ms;
    const growth = p99 / smallest.redisLookup.all.p99Ms;
    rows.push([
      `Redis part p99 at ${count(largest.images)} images ≤ 1 ms`,
      ms(p99),
      verdict(p99 <= 1),
    ]);
    rows.push([
      `p99 at ${count(largest.images)} ≤ 1.5 × p99 at ${count(smallest.images)} (Redis part)`,
      ratio(growth),
      verdict(growth <= 1.5),
    ]);
    const derived = largest.deriveAncestry.all.p99Ms / smallest.deriveAncestry.all.p99Ms;
    rows.push(['the same for the whole `deriveAncestry`', ratio(derived), verdict(derived <= 1.5)]);
    const bytes = largest.memory?.bytesPerImage;
    rows.push([
      `Redis memory per image at ${count(largest.images)} ≤ 100 B`,
      byteFigure(largest),
      bytes === undefined ? 'not measured' : verdict(bytes <= 100),
    ]);
  }
  for (const speedup of naiveSpeedups(results)) {
    rows.push([
      `Strata ≥ 100 × faster than ${speedup.variant} at ${count(speedup.images)} images ` +
        '(mean, one lookup in flight)',
      ratio(speedup.factor),
      verdict(speedup.factor >= 100),
    ]);
    if (speedup.inFlightFactor !== null) {
      rows.push([
        `the same with ${IN_FLIGHT} Strata lookups in flight (wall time per lookup)`,
        ratio(speedup.inFlightFactor),
        verdict(speedup.inFlightFactor >= 100),
      ]);
    }
  }
  const pipeline = results.pipeline;
  if (pipeline !== undefined) {
    rows.push([
      'Strata pipeline ≥ 0.5 × the bare Kafka relay',
      ratio(pipeline.relayRatio),
      verdict(pipeline.relayRatio >= 0.5),
    ]);
  }

  return `## Targets\n\n${table(['target', 'measured', 'met'], rows)}`;
}

function verdict(met: boolean): string {
  return met ? 'yes' : '**no**';
}

/**
 * Compares the naive variants with the whole `deriveAncestry` at the same stored image count: its
 * mean latency with one lookup in flight, and its wall time per lookup with `IN_FLIGHT` at a
 * time. A naive variant gains nothing from overlap: the in-memory scan keeps its one thread busy,
 * and the MongoDB scans keep the server's CPU busy.
 */
export function naiveSpeedups(results: BenchResults) {
  const naive = results.naive;
  const strata = (results.lookup ?? []).find((size) => size.images === naive?.images);
  if (naive === undefined || strata === undefined) {
    return [];
  }

  return naive.variants.map((variant) => ({
    variant: variant.name,
    images: naive.images,
    factor: variant.latency.meanMs / strata.deriveAncestry.all.meanMs,
    inFlightFactor:
      strata.deriveAncestryInFlight === undefined
        ? null
        : variant.latency.meanMs / strata.deriveAncestryInFlight.msPerLookup.median,
  }));
}

function renderLookup(results: BenchResults): string {
  const sizes = results.lookup;
  if (sizes === undefined) {
    return '';
  }

  const timing = (
    label: string,
    pick: (size: LookupSizeResult) => LookupSizeResult['redisLookup'],
  ) =>
    table(
      ['stored images', 'n', 'p50', 'p99', 'p99 per repetition', 'max', 'lookups/s per repetition'],
      sizes.map((size) => {
        const series = pick(size);
        return [
          count(size.images),
          count(series.all.n),
          ms(series.all.p50Ms),
          ms(series.all.p99Ms),
          spread(series.p99Ms, ms),
          ms(series.all.maxMs),
          spread(series.lookupsPerSecond, count),
        ];
      }),
    ) + `\n\n${label}`;
  const loading = table(
    [
      'stored images',
      'load time',
      'images/s',
      'index pairs',
      'queries per lookup',
      'relations checked',
      'missing',
      'Redis memory per image',
    ],
    sizes.map((size) => [
      count(size.images),
      ms(size.load.durationMs),
      count(size.load.imagesPerSecond),
      count(size.load.pairs),
      String(size.queriesPerLookup),
      count(size.relations.checked),
      count(size.relations.missing),
      byteFigure(size),
    ]),
  );

  return [
    '## Ancestry lookup against the Redis chain index',
    '### The Redis part: one `ChainIndex.lookup` round trip for every prefix',
    timing('One worker, one lookup in flight.', (size) => size.redisLookup),
    '### The whole `deriveAncestry`',
    timing(
      'Lookup plus loading the candidates (from process memory here) and assembling the result.',
      (size) => size.deriveAncestry,
    ),
    `### The whole \`deriveAncestry\` with ${IN_FLIGHT} lookups in flight`,
    table(
      ['stored images', 'lookups/s per repetition', 'wall time per lookup'],
      sizes.map((size) => [
        count(size.images),
        size.deriveAncestryInFlight === undefined
          ? 'not measured'
          : spread(size.deriveAncestryInFlight.lookupsPerSecond, count),
        size.deriveAncestryInFlight === undefined
          ? 'not measured'
          : spread(size.deriveAncestryInFlight.msPerLookup, ms),
      ]),
    ) +
      '\n\nOne worker process and one Redis connection, as the ancestry worker runs with ' +
      `\`ANCESTRY_CONCURRENCY\` ${IN_FLIGHT}. Lookups that start while a \`READ_FIELDS\` call ` +
      'is in flight share the next call.',
    '### Loading and memory',
    loading,
  ].join('\n\n');
}

function renderNaive(results: BenchResults): string {
  const naive = results.naive;
  if (naive === undefined) {
    return '';
  }

  const speedups = new Map(naiveSpeedups(results).map((entry) => [entry.variant, entry.factor]));
  const rows = naive.variants.map((variant) => [
    variant.name,
    count(variant.latency.n),
    ms(variant.latency.p50Ms),
    ms(variant.latency.p99Ms),
    ms(variant.latency.meanMs),
    String(variant.matchesPerLookup),
    speedups.has(variant.name) ? ratio(speedups.get(variant.name) ?? Number.NaN) : 'n/a',
  ]);

  return [
    `## Naive lookups without a chain index, ${count(naive.images)} stored images`,
    `Loading the layer lists into ${naive.server} took ${ms(naive.mongoLoad.durationMs)} ` +
      `(${count(naive.mongoLoad.imagesPerSecond)} images/s).`,
    table(
      ['variant', 'n', 'p50', 'p99', 'mean', 'matches per lookup', 'Strata faster by (mean)'],
      rows,
    ),
  ].join('\n\n');
}
