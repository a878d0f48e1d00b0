import type { BenchResults } from './bench-results.ts';
import { count, ms } from './render-format.ts';

/** Renders how the run measured, with the sizes of its scale. */
export function renderMethod(results: BenchResults): string {
  const { scale } = results;
  const sizes = scale.lookupSizes.map(count).join(', ');

  return [
    '## Method',
    '**Images.** `test/bench/image-families.ts` generates images tree by tree from a fixed seed: ' +
      'a base of 3 to 6 layers; runtimes on it adding 2 to 10 layers (3 % of a tree); ' +
      'applications adding 1 to 20 layers on a runtime (70 %), on the base (10 %) or on another ' +
      "application (20 %), at most 60 layers in all; 5 % aliases that copy another image's layers " +
      'under a new digest. 70 % of the images report diff IDs, so their lookups query both chain ' +
      'kinds. A tree has 1,000 images.',
    `**Lookups** (${sizes} stored images). Each size is loaded through ` +
      "`RedisChainIndex.rebuild`, the adapter's pipelined bulk path. `used_memory` of `INFO " +
      'memory` is read before and after on a redis-server that the run starts for itself. Then ' +
      `${count(scale.lookups)} lookups of stored images, drawn from 10 trees, are timed ` +
      `${scale.repetitions} times after a warm-up, one after the other: first the ` +
      '`ChainIndex.lookup` call alone (the one Redis round trip for every prefix of the image), ' +
      'then the whole `deriveAncestry`, whose record loader reads from process memory so that ' +
      "the figure excludes MongoDB. Every lookup's generated parent (or, for an alias, its " +
      'original) is checked to be in the result.',
    `**Naive lookups** (${count(scale.naiveImages)} stored images). In process memory: a ` +
      'linear scan of every stored layer list, comparing blob digests and diff IDs as prefixes. ' +
      'In the MongoDB-wire database: one query per lookup for the images whose first layer ' +
      "(blob digest or diff ID) equals the image's, with the layer lists compared in process; " +
      'first without a secondary index, then with indexes on `layers.0` and `diffIds.0`. Each ' +
      'MongoDB variant stops after ' +
      `${count(scale.naiveMongoLookups)} lookups or after ${ms(scale.naiveMongoBudgetMs)}.`,
    `**Pipeline** (${count(scale.pipelineEvents)} events). Both workers run as processes from ` +
      '`services/*/src/main.ts` with `node --cpu-prof`, against the local Kafka, MongoDB-wire ' +
      'database, Redis and S3 server, on topics, a database, a key prefix and a bucket of their ' +
      'own, with default settings and one partition per topic (the broker default). The ' +
      'generated `image.analyzed` records, with inherited vulnerability findings, are published ' +
      'as fast as the producer acknowledges them; a consumer in a group of its own notes when ' +
      'the first `image.ancestry` of each image arrives. The bare relay is a kafkajs consumer ' +
      'that produces each batch to another topic (`test/bench/bare-relay.ts`), in its own ' +
      'process, timed on the same records in the same way. Strata passes each record through ' +
      'two topics and two processes; the relay through one. ' +
      `The Strata run and the fan-out are each cut off after ${ms(scale.pipelineBudgetMs)}.`,
    '**Fan-out.** A family of ' +
      `${count(scale.fanOutImages)} images on one base is published without its base and ` +
      'processed; then the base is published, and the time until each of them has an ' +
      '`image.ancestry` that lists the base is measured.',
    '**Not measured here:** Redis Cluster, several workers per group, MongoDB proper (the ' +
      'database is FerretDB on SQLite, which the local scripts install).',
  ].join('\n\n');
}
