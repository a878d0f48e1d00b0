import type { Digest } from '@strata/core';
import { MongoClient } from 'mongodb';
import type { Collection, Filter } from 'mongodb';
import { generateImages } from './image-families.ts';
import { SeededRandom } from './seeded-random.ts';
import { elapsedMs, round, summarizeLatencies } from './stats.ts';
import type { LatencySummary } from './stats.ts';

export interface NaiveBenchOptions {
  images: number;
  /** Lookups timed by the in-process scan. */
  memoryLookups: number;
  /** Lookups timed per MongoDB variant; each variant also stops after `mongoBudgetMs`. */
  mongoLookups: number;
  mongoBudgetMs: number;
  mongodbUri: string;
  /** Database of this run only; dropped at the end. */
  database: string;
  seed: number;
  log: (message: string) => void;
}

/** A stored image as the naive lookups see it: its ordered layer lists. */
interface LayerLists {
  _id: Digest;
  layers: Digest[];
  diffIds: Digest[] | null;
}

export interface NaiveVariantResult {
  name: string;
  latency: LatencySummary;
  /** Mean stored images returned per lookup (ancestors, aliases and the image itself). */
  matchesPerLookup: number;
}

export interface NaiveBenchResult {
  images: number;
  /** Name and version that the MongoDB server reports, such as FerretDB's. */
  server: string;
  mongoLoad: { durationMs: number; imagesPerSecond: number };
  variants: NaiveVariantResult[];
}

/**
 * Times the ancestry lookup that a straightforward implementation without a chain index does.
 * In process memory, it scans every stored layer list. In MongoDB, one query per lookup fetches
 * the images that share the first layer, and their lists are compared in process: first without
 * a secondary index (a collection scan), then with an index on the first layer.
 */
export async function runNaiveBench(options: NaiveBenchOptions): Promise<NaiveBenchResult> {
  const stored = [...generateImages({ images: options.images, seed: options.seed })].map(
    ({ record }): LayerLists => ({
      _id: record.image.digest,
      layers: record.image.layers.map((layer) => layer.digest),
      diffIds: record.diffIdChains === null ? null : record.image.layers.map((l) => l.diffId ?? ''),
    }),
  );
  const random = new SeededRandom(options.seed + 2);
  const sample = Array.from({ length: options.memoryLookups }, () => random.pick(stored));
  options.log(`naive: in-memory scan of ${stored.length} images`);
  const variants = [timeMemoryScan(stored, sample)];
  const client = new MongoClient(options.mongodbUri, { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  try {
    const database = client.db(options.database);
    const collection = database.collection<LayerLists>('images');
    options.log(`naive: inserting ${stored.length} images into MongoDB`);
    const mongoLoad = await insertAll(collection, stored);
    const mongoSample = sample.slice(0, options.mongoLookups);
    options.log('naive: MongoDB lookups without a secondary index');
    variants.push(
      await timeMongoLookups('mongodb-collection-scan', collection, mongoSample, options),
    );
    await collection.createIndexes([
      { key: { 'layers.0': 1 }, name: 'firstLayer' },
      { key: { 'diffIds.0': 1 }, name: 'firstDiffId' },
    ]);
    options.log('naive: MongoDB lookups with an index on the first layer');
    variants.push(
      await timeMongoLookups('mongodb-first-layer-index', collection, mongoSample, options),
    );
    const server = await serverName(client);

    return { images: stored.length, server, mongoLoad, variants };
  } finally {
    await client.db(options.database).dropDatabase();
    await client.close();
  }
}

function isPrefix(prefix: readonly Digest[] | null, list: readonly Digest[] | null): boolean {
  if (prefix === null || list === null || prefix.length > list.length) {
    return false;
  }

  for (let position = 0; position < prefix.length; position += 1) {
    if (prefix[position] !== list[position]) return false;
  }

  return true;
}

function related(candidate: LayerLists, image: LayerLists): boolean {
  return isPrefix(candidate.layers, image.layers) || isPrefix(candidate.diffIds, image.diffIds);
}

function timeMemoryScan(stored: readonly LayerLists[], sample: readonly LayerLists[]) {
  const durations: number[] = [];
  let matches = 0;
  for (const image of sample) {
    const start = process.hrtime.bigint();
    matches += stored.filter((candidate) => related(candidate, image)).length;
    durations.push(elapsedMs(start));
  }

  return {
    name: 'memory-linear-scan',
    latency: summarizeLatencies(durations),
    matchesPerLookup: round(matches / sample.length),
  };
}

async function insertAll(collection: Collection<LayerLists>, stored: readonly LayerLists[]) {
  const started = process.hrtime.bigint();
  for (let start = 0; start < stored.length; start += 1000) {
    await collection.insertMany(stored.slice(start, start + 1000), { ordered: false });
  }
  const durationMs = elapsedMs(started);

  return {
    durationMs: round(durationMs),
    imagesPerSecond: round(stored.length / (durationMs / 1000)),
  };
}

async function timeMongoLookups(
  name: string,
  collection: Collection<LayerLists>,
  sample: readonly LayerLists[],
  options: NaiveBenchOptions,
): Promise<NaiveVariantResult> {
  const durations: number[] = [];
  const deadline = Date.now() + options.mongoBudgetMs;
  let matches = 0;
  for (const image of sample) {
    if (durations.length > 0 && Date.now() > deadline) break;
    const start = process.hrtime.bigint();
    const first: Filter<LayerLists>[] = [{ 'layers.0': image.layers[0] ?? '' }];
    if (image.diffIds !== null) first.push({ 'diffIds.0': image.diffIds[0] ?? '' });
    const candidates = await collection.find({ $or: first }).toArray();
    matches += candidates.filter((candidate) => related(candidate, image)).length;
    durations.push(elapsedMs(start));
  }

  return {
    name,
    latency: summarizeLatencies(durations),
    matchesPerLookup: round(matches / durations.length),
  };
}

async function serverName(client: MongoClient): Promise<string> {
  const info = await client.db('admin').command({ buildInfo: 1 });
  const ferret = info.ferretdbVersion as unknown;
  if (typeof ferret === 'string') {
    return `FerretDB ${ferret} (MongoDB wire version ${String(info.version)})`;
  }

  return `MongoDB ${String(info.version)}`;
}
