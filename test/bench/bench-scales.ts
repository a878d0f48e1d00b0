/** Sizes of one benchmark run. */
export interface BenchScale {
  name: 'ci' | 'tiny' | 'full';
  /** Stored image counts of the lookup benchmark, ascending. */
  lookupSizes: number[];
  /** Timed lookups per repetition, and repetitions. */
  lookups: number;
  repetitions: number;
  /** Stored images of the naive lookups, and how many of them each variant times. */
  naiveImages: number;
  naiveMemoryLookups: number;
  naiveMongoLookups: number;
  /** Time each MongoDB variant may take before it stops with the lookups done so far. */
  naiveMongoBudgetMs: number;
  pipelineEvents: number;
  fanOutImages: number;
  relayRepetitions: number;
  /** Time the Strata pipeline run and the fan-out may each take before they are cut off. */
  pipelineBudgetMs: number;
  rssIntervalMs: number;
}

export const BENCH_SCALES: Record<BenchScale['name'], BenchScale> = {
  // Keeps the harness working in the test suite: every phase, with the smallest sizes.
  ci: {
    name: 'ci',
    lookupSizes: [200, 400, 800],
    lookups: 50,
    repetitions: 2,
    naiveImages: 300,
    naiveMemoryLookups: 20,
    naiveMongoLookups: 2,
    naiveMongoBudgetMs: 10_000,
    pipelineEvents: 40,
    fanOutImages: 10,
    relayRepetitions: 1,
    pipelineBudgetMs: 180_000,
    rssIntervalMs: 500,
  },
  tiny: {
    name: 'tiny',
    lookupSizes: [1000, 3000, 10_000],
    lookups: 300,
    repetitions: 3,
    naiveImages: 3000,
    naiveMemoryLookups: 100,
    naiveMongoLookups: 5,
    naiveMongoBudgetMs: 20_000,
    pipelineEvents: 100,
    fanOutImages: 30,
    relayRepetitions: 2,
    pipelineBudgetMs: 120_000,
    rssIntervalMs: 1000,
  },
  // The pipeline sizes are what the workers get through in about 15 minutes on FerretDB 1.x
  // with SQLite, which spends about 70 ms of CPU per event (docs/benchmarks.md).
  full: {
    name: 'full',
    lookupSizes: [10_000, 100_000, 1_000_000],
    lookups: 2000,
    repetitions: 5,
    naiveImages: 100_000,
    naiveMemoryLookups: 200,
    naiveMongoLookups: 5,
    naiveMongoBudgetMs: 60_000,
    pipelineEvents: 3000,
    fanOutImages: 10_000,
    relayRepetitions: 3,
    pipelineBudgetMs: 15 * 60_000,
    rssIntervalMs: 2000,
  },
};
