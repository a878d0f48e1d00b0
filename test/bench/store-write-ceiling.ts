// Measures the max image documents per second that the MongoDB-wire server in MONGODB_URI
// (default mongodb://127.0.0.1:27017) stores. It times plain inserts of the documents the image
// store writes, one per call and in `insertMany` batches, in a database of its own that it drops
// at the end. The result bounds any pipeline that stores each analyzed image once. Usage:
//   node --conditions=@strata/source test/bench/store-write-ceiling.ts \
//     [--documents 3000] [--batches 1,100,1000]
import { parseArgs } from 'node:util';
import { toImageDocument } from '@strata/mongodb';
import type { ImageDocument } from '@strata/mongodb';
import { MongoClient } from 'mongodb';
import { generateImages } from './image-families.ts';
import { elapsedMs } from './stats.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      documents: { type: 'string', default: '3000' },
      batches: { type: 'string', default: '1,100,1000' },
    },
  });
  const documents = Number(values.documents);
  const batches = values.batches.split(',').map(Number);
  if (!Number.isInteger(documents) || documents < 1) {
    throw new Error(`invalid --documents "${values.documents}": expected a positive integer`);
  }
  if (batches.some((size) => !Number.isInteger(size) || size < 1)) {
    throw new Error(`invalid --batches "${values.batches}": expected positive integers`);
  }

  const uri = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017';
  const database = `strata_write_ceiling_${process.pid}`;
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000, ignoreUndefined: true });
  await client.connect();
  try {
    const images = [
      ...generateImages({ images: documents * batches.length, seed: 5, withFindings: true }),
    ];
    const all = images.map((image) => toImageDocument(image.record));
    const meanBytes =
      all.reduce((sum, document) => sum + JSON.stringify(document).length, 0) / all.length;
    for (const [round, batch] of batches.entries()) {
      const collection = client.db(database).collection<ImageDocument>(`images_${batch}`);
      const chosen = all.slice(round * documents, (round + 1) * documents);
      const start = process.hrtime.bigint();
      for (let first = 0; first < chosen.length; first += batch) {
        const slice = chosen.slice(first, first + batch);
        const [only] = slice;
        if (slice.length === 1 && only !== undefined) {
          await collection.insertOne(only);
        } else {
          await collection.insertMany(slice, { ordered: false });
        }
      }
      const seconds = elapsedMs(start) / 1000;
      const perSecond = Math.round(chosen.length / seconds);
      console.log(
        JSON.stringify({
          batch,
          documents: chosen.length,
          seconds,
          perSecond,
          meanBytes: Math.round(meanBytes),
        }),
      );
    }
  } finally {
    await client.db(database).dropDatabase();
    await client.close();
  }
}

await main();
