import type { ImageRecord } from '@strata/core';
import { createImageStore } from '@strata/mongodb';
import { MongoClient } from 'mongodb';
import type { Document } from 'mongodb';
import { elapsedMs, summarizeLatencies } from './stats.ts';
import type { LatencySummary } from './stats.ts';

/** Latency of one image store operation, and whether the server ran its filter in the backend. */
export interface StoreOperation {
  name: string;
  latency: LatencySummary;
  /** `filterPushdown` of FerretDB's explain output; null on servers that do not report it. */
  filterPushdown: boolean | null;
}

export interface StoreProbeResult {
  storedImages: number;
  operations: StoreOperation[];
}

/** Digests per `getMany` call, about what one ancestry lookup loads. */
const GET_MANY_DIGESTS = 10;

/**
 * Times the image store operations that the ancestry worker runs per event (`get`, `getMany`,
 * `findDescendants`) on a database the pipeline filled. It also reads from `explain` whether the
 * server pushed each filter down to its storage, which FerretDB reports.
 */
export async function probeImageStore(
  uri: string,
  database: string,
  sample: readonly ImageRecord[],
): Promise<StoreProbeResult> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  try {
    const store = await createImageStore({ client, database });
    const images = client.db(database).collection('images');
    const chains = client.db(database).collection<{ _id: string }>('imagesChains');
    const digests = sample.map((record) => record.image.digest);
    const first = sample[0]?.blobChains ?? [];
    const explain = (filter: Document) => images.find(filter).explain();
    const pushdown = {
      get: await explain({ _id: digests[0] ?? '' }),
      // With point reads (on FerretDB), getMany runs one _id equality per digest.
      getMany: await explain(
        store.pointReads
          ? { _id: digests[0] ?? '' }
          : { _id: { $in: digests.slice(0, GET_MANY_DIGESTS) } },
      ),
      // findDescendants reads chain tree nodes by _id, `b:<ChainID>` for blob chains.
      findDescendants: await chains.find({ _id: `b:${first.at(-1) ?? ''}` }).explain(),
    };
    const operations = [
      await time('get', pushdown.get, sample, (record) => store.get(record.image.digest)),
      await time('getMany', pushdown.getMany, sample, (_, position) =>
        store.getMany(digests.slice(position, position + GET_MANY_DIGESTS)),
      ),
      await time('findDescendants', pushdown.findDescendants, sample, (record) =>
        drain(
          store.findDescendants('blob', record.blobChains.at(-1) ?? '', record.blobChains.length),
        ),
      ),
    ];

    return { storedImages: await store.count(), operations };
  } finally {
    await client.close();
  }
}

async function time(
  name: string,
  explained: Document,
  sample: readonly ImageRecord[],
  run: (record: ImageRecord, position: number) => Promise<unknown>,
): Promise<StoreOperation> {
  const durations: number[] = [];
  for (const [position, record] of sample.entries()) {
    const start = process.hrtime.bigint();
    await run(record, position);
    durations.push(elapsedMs(start));
  }
  const pushdown: unknown = explained.filterPushdown;

  return {
    name,
    latency: summarizeLatencies(durations),
    filterPushdown: typeof pushdown === 'boolean' ? pushdown : null,
  };
}

async function drain(digests: AsyncIterable<string>): Promise<number> {
  const found: string[] = [];
  for await (const digest of digests) found.push(digest);

  return found.length;
}
