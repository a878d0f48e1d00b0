import type { BenchResults } from './bench-results.ts';
import { IN_FLIGHT } from './lookup-bench.ts';
import { count, ms } from './render-format.ts';

/** Renders how the run measured, with the sizes of its scale. */
export function renderMethod(results: BenchResults): string {
  const { scale } = results;
  const sizes = scale.lookupSizes.map(count).join(', ');

  return [
    '## Method',
    '**Images.** `test/bench/image-families.ts` generates images tree by tree from a fixed ' +
      'seed. A tree has 1,000 images: a base of 3 to 6 layers and runtimes on it that add 2 to ' +
      '10 layers (3 % of the tree). Applications add 1 to 20 layers on a runtime (70 %), on the ' +
      'base (10 %) or on another application (20 %), up to 60 layers in all. 5 % are aliases ' +
      "that copy another image's layers under a new digest. 70 % of the images report diff IDs, " +
      'so their lookups query both chain kinds.',
    `**Lookups** (${sizes} stored images). Each size is loaded through ` +
      "`RedisChainIndex.rebuild`, the adapter's pipelined bulk path. `used_memory` of `INFO " +
      'memory` is read before and after, on a redis-server that the run starts for itself. ' +
      `Then ${count(scale.lookups)} lookups of stored images, drawn from 10 trees, are timed ` +
      `${scale.repetitions} times after a warm-up, one after the other. The first series times ` +
      'the `ChainIndex.lookup` call alone, the one Redis round trip for every prefix of the ' +
      'image. The second times the whole `deriveAncestry`, whose record loader reads from ' +
      'process memory, so the figure excludes MongoDB. A third series runs the same ' +
      `\`deriveAncestry\` calls with ${IN_FLIGHT} in flight on one connection and divides the ` +
      "wall time by the lookups. Every lookup's generated parent (or, for an alias, its " +
      'original) is checked to be in the result.',
    `**Naive lookups** (${count(scale.naiveImages)} stored images). In process memory, each ` +
      'lookup scans every stored layer list and compares blob digests and diff IDs as prefixes. ' +
      'In the MongoDB-wire database, each lookup queries the images whose first layer (blob ' +
      "digest or diff ID) equals the image's and compares their layer lists in process. This " +
      'runs first without a secondary index, then with indexes on `layers.0` and `diffIds.0`. ' +
      `Each MongoDB variant stops after ${count(scale.naiveMongoLookups)} lookups or after ` +
      `${ms(scale.naiveMongoBudgetMs)}.`,
    `**Pipeline** (${count(scale.pipelineEvents)} events). Both workers run as processes from ` +
      '`services/*/src/main.ts` with `node --cpu-prof` and default settings. They use the local ' +
      'Kafka, Redis and S3 server and a FerretDB that the run starts, with topics, a database, a ' +
      'key prefix and a bucket of their own, and one partition per topic (the broker default). ' +
      'The generated `image.analyzed` records, with inherited vulnerability findings, are ' +
      'published as fast as the broker acknowledges them. A consumer in a group of its own notes ' +
      'when the first `image.ancestry` of each image arrives. The bare relay is a kafkajs ' +
      'consumer in its own process that produces each batch to another topic ' +
      '(`test/bench/bare-relay.ts`), timed on the same records in the same way. Strata passes ' +
      'each record through two topics and two processes, the relay through one. The Strata run ' +
      `is cut off after ${ms(scale.pipelineBudgetMs)}.`,
    `**Fan-out.** ${count(scale.fanOutImages)} images on the layers of one base are stored ` +
      'through the adapters on a fresh deployment, without the base. Then the base is published, ' +
      'and the run measures the time until each of them has an `image.ancestry` that lists the ' +
      `base, cut off after ${ms(scale.pipelineBudgetMs)}.`,
    '**Not measured here:** Redis Cluster, several workers per group, and MongoDB itself (the ' +
      'database is FerretDB 1.x on SQLite as the local scripts build it, with its `_id` lookups ' +
      'matched to its `_id` index, see docs/services.md).',
  ].join('\n\n');
}
