// Times the image store's `upsert` and `findDescendants` at growing store sizes, on the server in
// MONGODB_URI (default mongodb://127.0.0.1:27017), in a database of its own that it drops at the
// end. Usage:
//   node --conditions=@strata/source test/bench/store-scaling.ts \
//     [--sizes 400,2000,10000] [--samples 50] [--descendant-samples 50] [--rebuild]
// `--rebuild` then drops the chain tree and times `rebuildDescendantIndex` over the whole store.
import { parseArgs } from 'node:util';
import { findDescendantDigests } from '@strata/core';
import type { ImageRecord } from '@strata/core';
import { createImageStore } from '@strata/mongodb';
import { MongoClient } from 'mongodb';
import { generateImages } from './image-families.ts';
import { SeededRandom } from './seeded-random.ts';
import { elapsedMs, summarizeLatencies } from './stats.ts';
import type { LatencySummary } from './stats.ts';

/** Upserts in flight while the store is filled up to the next size; the fill is not timed. */
const FILL_CONCURRENCY = 8;
/** Analysis times of re-analyses start here and grow by one second each. */
const REANALYZED_FROM_MS = Date.parse('2026-12-01T12:00:00Z');

interface StageResult {
  storedImages: number;
  insert: LatencySummary;
  update: LatencySummary;
  findDescendants: LatencySummary;
  descendantsFound: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '400,2000,10000' },
      samples: { type: 'string', default: '50' },
      'descendant-samples': { type: 'string', default: '50' },
      rebuild: { type: 'boolean', default: false },
    },
  });
  const sizes = values.sizes.split(',').map(Number);
  const samples = Number(values.samples);
  const descendantSamples = Number(values['descendant-samples']);
  const uri = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017';
  const database = `strata_store_scaling_${process.pid}`;
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000, ignoreUndefined: true });
  await client.connect();
  try {
    const store = await createImageStore({ client, database });
    await store.ensureIndexes();
    const last = sizes.at(-1) ?? 0;
    const images = generateImages({
      images: last + sizes.length * samples,
      seed: 7,
      withFindings: true,
    });
    const stored: ImageRecord[] = [];
    const next = () => {
      const result = images.next();
      return result.done === true ? undefined : result.value.record;
    };
    const random = new SeededRandom(11);
    for (const size of sizes) {
      await fill(size - stored.length, next, stored, (record) => store.upsert(record));
      const stage = await measure(store, { stored, next, random, samples, descendantSamples });
      console.log(JSON.stringify({ lockWrites: store.lockWrites, ...stage }));
    }
    if (values.rebuild) {
      await client.db(database).collection('imagesChains').drop();
      const start = process.hrtime.bigint();
      const rebuilt = await store.rebuildDescendantIndex();
      console.log(JSON.stringify({ rebuiltImages: rebuilt, rebuildMs: elapsedMs(start) }));
    }
  } finally {
    await client.db(database).dropDatabase();
    await client.close();
  }
}

async function fill(
  count: number,
  next: () => ImageRecord | undefined,
  stored: ImageRecord[],
  upsert: (record: ImageRecord) => Promise<unknown>,
): Promise<void> {
  let left = count;
  const worker = async () => {
    while (left > 0) {
      left -= 1;
      const record = next();
      if (record === undefined) return;
      stored.push(record);
      await upsert(record);
    }
  };
  await Promise.all(Array.from({ length: FILL_CONCURRENCY }, worker));
}

interface MeasureOptions {
  stored: ImageRecord[];
  next: () => ImageRecord | undefined;
  random: SeededRandom;
  samples: number;
  descendantSamples: number;
}

let reanalyses = 0;

type Store = Awaited<ReturnType<typeof createImageStore>>;

async function measure(store: Store, options: MeasureOptions): Promise<StageResult> {
  const { stored, random } = options;
  const storedImages = await store.count();
  const inserts = await timeEach(options.samples, async () => {
    const record = options.next();
    if (record === undefined) throw new Error('the generator ran out of images');
    stored.push(record);
    return store.upsert(record);
  });
  const updates = await timeEach(options.samples, () => {
    const record = random.pick(stored);
    reanalyses += 1;
    const analyzedAt = new Date(REANALYZED_FROM_MS + reanalyses * 1000).toISOString();
    return store.upsert({ ...record, analyzedAt });
  });
  let descendantsFound = 0;
  const descendants = await timeEach(options.descendantSamples, async () => {
    const record = random.pick(stored);
    const find = store.findDescendants.bind(store);
    for await (const digest of findDescendantDigests(record, find)) {
      if (digest !== '') descendantsFound += 1;
    }
  });

  return {
    storedImages,
    insert: inserts,
    update: updates,
    findDescendants: descendants,
    descendantsFound,
  };
}

async function timeEach(count: number, run: () => Promise<unknown>): Promise<LatencySummary> {
  const durations: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const start = process.hrtime.bigint();
    await run();
    durations.push(elapsedMs(start));
  }

  return summarizeLatencies(durations);
}

await main();
