import { ancestryQueries, deriveAncestry } from '@strata/core';
import type { Ancestry, Digest, ImageRecord } from '@strata/core';
import { RedisChainIndex } from '@strata/redis';
import { Redis } from 'ioredis';
import { generateImages } from './image-families.ts';
import type { GeneratedImage } from './image-families.ts';
import { SeededRandom } from './seeded-random.ts';
import { elapsedMs, round, spreadOf, summarizeLatencies } from './stats.ts';
import type { LatencySummary, Spread } from './stats.ts';

export interface LookupBenchOptions {
  /** Stored image counts to measure, ascending. */
  sizes: readonly number[];
  /** Timed lookups per repetition. */
  lookups: number;
  repetitions: number;
  /** URL of a Redis that only this benchmark uses, so `used_memory` is the index's own. */
  redisUrl: string;
  /** False when `redisUrl` is a shared server: memory is then not measured. */
  dedicatedServer: boolean;
  seed: number;
  log: (message: string) => void;
}

/** Figures of one timed operation over all repetitions. */
export interface TimedSeries {
  all: LatencySummary;
  /** p99 of each repetition. */
  p99Ms: Spread;
  /** Sequential lookups per second of each repetition, one in flight. */
  lookupsPerSecond: Spread;
}

export interface LookupSizeResult {
  images: number;
  load: { durationMs: number; imagesPerSecond: number; pairs: number };
  /** Null when the server is shared with others. */
  memory: { usedMemoryBytes: number; bytesPerImage: number } | null;
  /** Mean chain-index queries per lookup (two per layer with diff IDs, one without). */
  queriesPerLookup: number;
  redisLookup: TimedSeries;
  deriveAncestry: TimedSeries;
  /**
   * The whole `deriveAncestry` with `IN_FLIGHT` lookups at a time, as the ancestry worker runs.
   * Absent in the results of older runs.
   */
  deriveAncestryInFlight?: ConcurrentSeries;
  /** Generated parent-child and alias relations checked in the derived ancestries. */
  relations: { checked: number; missing: number };
}

/** Throughput of one operation with several calls in flight. */
export interface ConcurrentSeries {
  inFlight: number;
  /** Completed lookups per second of each repetition. */
  lookupsPerSecond: Spread;
  /** Wall time per lookup of each repetition: the run's duration over its lookups. */
  msPerLookup: Spread;
}

/** Lookups in flight of the concurrent series: the ancestry worker's `ANCESTRY_CONCURRENCY`. */
export const IN_FLIGHT = 8;

/** Images of the kept trees, loaded by `deriveAncestry` in place of the image store. */
const KEPT_TREES = 10;
const WARM_UP_LOOKUPS = 200;

/**
 * Loads the Redis chain index with each size in turn through `RedisChainIndex.rebuild` (the
 * adapter's pipelined bulk path), reads `used_memory` before and after, then times ancestry
 * lookups of stored images: the chain-index round trip alone, and the whole `deriveAncestry`
 * with records loaded from process memory.
 */
export async function runLookupBench(options: LookupBenchOptions): Promise<LookupSizeResult[]> {
  const client = new Redis(options.redisUrl, { maxRetriesPerRequest: 2 });
  const results: LookupSizeResult[] = [];
  try {
    for (const images of options.sizes) {
      options.log(`lookup: ${images} stored images`);
      results.push(await benchSize(client, images, options));
    }
  } finally {
    await client.quit();
  }

  return results;
}

async function benchSize(
  client: Redis,
  images: number,
  options: LookupBenchOptions,
): Promise<LookupSizeResult> {
  const prefix = `strata-bench-${process.pid}-${images}:`;
  const index = new RedisChainIndex({ client, prefix });
  const kept = new Map<Digest, GeneratedImage>();
  const keepEvery = Math.max(1, Math.ceil(Math.ceil(images / 1000) / KEPT_TREES));
  await index.clear();
  const before = await usedMemory(client);
  const started = process.hrtime.bigint();
  const stored = await index.rebuild(records(generateImages({ images, seed: options.seed })));
  const loadMs = elapsedMs(started);
  const after = await usedMemory(client);
  const pairs = await index.size();
  try {
    const sample = pickSample(kept, options);
    const timed = await timeLookups(index, sample, kept, options);

    return {
      images: stored,
      load: { durationMs: round(loadMs), imagesPerSecond: round(stored / (loadMs / 1000)), pairs },
      memory: options.dedicatedServer
        ? { usedMemoryBytes: after - before, bytesPerImage: round((after - before) / stored) }
        : null,
      ...timed,
    };
  } finally {
    await index.clear();
  }

  async function* records(source: Iterable<GeneratedImage>): AsyncIterable<ImageRecord> {
    for (const generated of source) {
      if (generated.tree % keepEvery === 0) kept.set(generated.record.image.digest, generated);
      yield await Promise.resolve(generated.record);
    }
  }
}

function pickSample(kept: ReadonlyMap<Digest, GeneratedImage>, options: LookupBenchOptions) {
  const random = new SeededRandom(options.seed + 1);
  const candidates = [...kept.values()];

  return Array.from({ length: options.lookups }, () => random.pick(candidates));
}

async function timeLookups(
  index: RedisChainIndex,
  sample: readonly GeneratedImage[],
  kept: ReadonlyMap<Digest, GeneratedImage>,
  options: LookupBenchOptions,
) {
  const queries = sample.map((image) => ancestryQueries(image.record).map((entry) => entry.query));
  const loadRecords = (digests: readonly Digest[]) =>
    Promise.resolve(digests.flatMap((digest) => kept.get(digest)?.record ?? []));
  const lookup = (position: number) => index.lookup(queries[position] ?? []);
  const derive = (position: number) => deriveOne(sample[position], index, loadRecords);
  await repeat(Math.min(WARM_UP_LOOKUPS, sample.length), lookup);
  await repeat(Math.min(WARM_UP_LOOKUPS, sample.length), derive);
  const redisLookup = await timeSeries(sample.length, options.repetitions, lookup);
  const ancestry = await timeSeries(sample.length, options.repetitions, derive);
  const inFlight = await timeConcurrent(sample.length, options.repetitions, derive);
  const relations = { checked: 0, missing: 0 };
  for (const image of sample) {
    countRelation(image, await deriveOne(image, index, loadRecords), relations);
  }

  const totalQueries = queries.reduce((sum, list) => sum + list.length, 0);

  return {
    queriesPerLookup: round(totalQueries / queries.length),
    redisLookup,
    deriveAncestry: ancestry,
    deriveAncestryInFlight: inFlight,
    relations,
  };
}

function deriveOne(
  image: GeneratedImage | undefined,
  index: RedisChainIndex,
  loadRecords: (digests: readonly Digest[]) => Promise<ImageRecord[]>,
): Promise<Ancestry> {
  if (image === undefined) {
    throw new Error('lookup sample position out of range');
  }

  return deriveAncestry(image.record, index, loadRecords);
}

async function repeat(count: number, run: (position: number) => Promise<unknown>) {
  for (let position = 0; position < count; position += 1) {
    await run(position);
  }
}

async function timeSeries(
  count: number,
  repetitions: number,
  run: (position: number) => Promise<unknown>,
): Promise<TimedSeries> {
  const all: number[] = [];
  const p99s: number[] = [];
  const rates: number[] = [];
  for (let repetition = 0; repetition < repetitions; repetition += 1) {
    const durations: number[] = [];
    const started = process.hrtime.bigint();
    for (let position = 0; position < count; position += 1) {
      const start = process.hrtime.bigint();
      await run(position);
      durations.push(elapsedMs(start));
    }
    rates.push(count / (elapsedMs(started) / 1000));
    p99s.push(summarizeLatencies(durations).p99Ms);
    all.push(...durations);
  }

  return { all: summarizeLatencies(all), p99Ms: spreadOf(p99s), lookupsPerSecond: spreadOf(rates) };
}

/** Runs `count` operations with `IN_FLIGHT` at a time, once per repetition. */
async function timeConcurrent(
  count: number,
  repetitions: number,
  run: (position: number) => Promise<unknown>,
): Promise<ConcurrentSeries> {
  const rates: number[] = [];
  const perLookup: number[] = [];
  for (let repetition = 0; repetition < repetitions; repetition += 1) {
    let next = 0;
    const lane = async () => {
      for (let position = next++; position < count; position = next++) {
        await run(position);
      }
    };
    const started = process.hrtime.bigint();
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, count) }, lane));
    const durationMs = elapsedMs(started);
    rates.push(count / (durationMs / 1000));
    perLookup.push(durationMs / count);
  }

  return {
    inFlight: IN_FLIGHT,
    lookupsPerSecond: spreadOf(rates),
    msPerLookup: spreadOf(perLookup),
  };
}

/** Checks that an image's generated parent is among its ancestors, or an alias's original. */
function countRelation(
  image: GeneratedImage,
  ancestry: Ancestry,
  relations: { checked: number; missing: number },
) {
  if (image.builtOn === null) {
    return;
  }

  const related = image.role === 'alias' ? ancestry.aliases : ancestry.ancestors;
  relations.checked += 1;
  if (!related.some((relative) => relative.digest === image.builtOn)) relations.missing += 1;
}

async function usedMemory(client: Redis): Promise<number> {
  const info = await client.info('memory');

  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
}
