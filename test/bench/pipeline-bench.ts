import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceAddresses } from '@strata/testkit';
import type { Kafka, Message, Producer } from 'kafkajs';
import { BenchProcess, RssSampler } from './bench-process.ts';
import type { RssSample } from './bench-process.ts';
import { summarizeCpuProfile } from './cpu-profile.ts';
import type { ProfileSummary } from './cpu-profile.ts';
import { PipelineDeployment, processingTimes } from './pipeline-deployment.ts';
import type { RunningWorker } from './pipeline-deployment.ts';
import { probeImageStore } from './store-probe.ts';
import type { StoreProbeResult } from './store-probe.ts';
import {
  analyzedMessage,
  analyzedMessages,
  generatedDigests,
  mentions,
} from './pipeline-events.ts';
import { generateImages } from './image-families.ts';
import { cpuSecondsBetween, readCpuSeconds } from './process-cpu.ts';
import type { CpuSeconds, WatchedProcess } from './process-cpu.ts';
import { benchKafka, publishAll, ResultWatcher } from './result-watcher.ts';
import { round, spreadOf } from './stats.ts';
import type { Spread } from './stats.ts';

/** Stored images whose store operations are timed after the Strata run. */
const STORE_PROBE_IMAGES = 10;

export interface PipelineBenchOptions {
  addresses: ServiceAddresses;
  events: number;
  /** Stored images on the layers of a base that is published last. */
  fanOutImages: number;
  relayRepetitions: number;
  /** Time the Strata run may take before it is cut off and reported as incomplete. */
  budgetMs: number;
  rssIntervalMs: number;
  /** Server processes whose CPU time the run reads, such as the local Kafka and FerretDB. */
  watchedServers: WatchedProcess[];
  outputDirectory: string;
  seed: number;
  log: (message: string) => void;
}

/** Events per second from the first publish to the last expected result. */
export interface ThroughputRun {
  events: number;
  /** Events whose result arrived before the budget ran out. */
  completed: number;
  publishMs: number;
  durationMs: number;
  eventsPerSecond: number;
}

export interface RssFigures {
  process: string;
  samples: number;
  startBytes: number;
  midBytes: number;
  endBytes: number;
  maxBytes: number;
  /** Change from the middle to the end of the run, in percent of the middle reading. */
  secondHalfGrowthPercent: number;
}

export interface PipelineResult {
  strata: ThroughputRun & {
    /** Results per second in each tenth of the run. */
    windowRates: Spread;
    cpuSeconds: CpuSeconds;
    handlerTimes: { process: string; topic: string; count: number; meanMs: number }[];
  };
  relay: { runs: ThroughputRun[]; eventsPerSecond: Spread };
  /** Strata's events per second over the relay's median. */
  relayRatio: number;
  fanOut: { images: number; storeMs: number; durationMs: number; completed: number };
  /** Image store operations timed on the database the Strata run filled. */
  storeProbe: StoreProbeResult | null;
  rss: RssFigures[];
  profiles: ProfileSummary[];
}

/**
 * Runs the end-to-end benchmark: the bare kafkajs relay on the generated `image.analyzed`
 * records, then both workers as processes on the same records, then the fan-out of a late base.
 */
export async function runPipelineBench(options: PipelineBenchOptions): Promise<PipelineResult> {
  const kafka = benchKafka(options.addresses.kafkaBrokers, 'strata-bench');
  const shared = { options, kafka };
  const relayRuns = await withDeployment(shared, runRelays);
  const strata = await withDeployment(shared, runStrata);
  const fanOut = await withDeployment(shared, runFanOut);
  const relayRate = spreadOf(relayRuns.map((run) => run.eventsPerSecond));

  return {
    ...strata,
    fanOut,
    relay: { runs: relayRuns, eventsPerSecond: relayRate },
    relayRatio: round(strata.strata.eventsPerSecond / relayRate.median),
  };
}

interface Context {
  options: PipelineBenchOptions;
  deployment: PipelineDeployment;
  kafka: Kafka;
  producer: Producer;
  /** Consumer groups of the run's own watchers and relays, deleted at the end. */
  groups: string[];
}

/**
 * Runs `step` on a deployment of its own with a producer of its own, then stops the workers,
 * disconnects the producer and deletes what the step made. The producer never creates topics
 * and is gone before the topics are deleted: the local broker creates topics on request
 * (`auto.create.topics.enable`), and a connected producer's metadata refresh brought deleted
 * topics back.
 */
async function withDeployment<T>(
  shared: Pick<Context, 'options' | 'kafka'>,
  step: (context: Context) => Promise<T>,
): Promise<T> {
  const deployment = new PipelineDeployment(shared.options.addresses);
  const producer = shared.kafka.producer({ allowAutoTopicCreation: false });
  const groups: string[] = [];
  await producer.connect();
  try {
    return await step({ ...shared, deployment, producer, groups });
  } finally {
    await deployment.stop();
    await producer.disconnect();
    await deployment.cleanUp(shared.kafka, groups);
  }
}

async function runRelays(context: Context): Promise<ThroughputRun[]> {
  const runs: ThroughputRun[] = [];
  for (let run = 0; run < context.options.relayRepetitions; run += 1) {
    runs.push(await runRelay(context, run));
  }

  return runs;
}

function familyOptions(context: Context) {
  return { images: context.options.events, seed: context.options.seed };
}

async function startWatcher(
  context: Context,
  topic: string,
  expected: readonly string[],
  check = (_: Buffer | null) => true,
  fromBeginning = true,
) {
  const group = context.deployment.names.unique('watcher');
  context.groups.push(group);
  const watcher = new ResultWatcher(context.kafka, group, expected, check);
  await watcher.start(topic, fromBeginning);

  return watcher;
}

/** Publishes `messages` and waits for every expected key on the watched topic. */
async function measure(
  context: Context,
  watcher: ResultWatcher,
  topic: string,
  messages: Iterable<Message>,
  events: number,
): Promise<ThroughputRun> {
  const started = Date.now();
  await publishAll(context.producer, topic, messages);
  const publishMs = Date.now() - started;
  const last = await watcher.waitForAll(started + context.options.budgetMs, (arrived) =>
    context.options.log(`  ${arrived} of ${events} results after ${Date.now() - started} ms`),
  );
  const durationMs = (last ?? Date.now()) - started;

  return {
    events,
    completed: watcher.arrived,
    publishMs,
    durationMs,
    eventsPerSecond: round(watcher.arrived / (durationMs / 1000)),
  };
}

async function runRelay(context: Context, run: number): Promise<ThroughputRun> {
  const { deployment, options } = context;
  const from = deployment.extraTopic(`relay-in-${run}`);
  const to = deployment.extraTopic(`relay-out-${run}`);
  const admin = context.kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: from }, { topic: to }], waitForLeaders: true });
  await admin.disconnect();
  const group = deployment.names.unique('relay');
  context.groups.push(group);
  const relay = new BenchProcess({
    name: 'bare-relay',
    script: 'test/bench/bare-relay.ts',
    env: {
      RELAY_BROKERS: options.addresses.kafkaBrokers.join(','),
      RELAY_FROM: from,
      RELAY_TO: to,
      RELAY_GROUP: group,
    },
  });
  try {
    await relay.waitFor('relay ready', () => Promise.resolve(relay.printed('relay ready')), 60_000);
    const watcher = await startWatcher(context, to, generatedDigests(familyOptions(context)));
    options.log(`relay run ${run + 1}: ${options.events} events`);
    const result = await measure(
      context,
      watcher,
      from,
      analyzedMessages(familyOptions(context)),
      options.events,
    );
    await watcher.stop();

    return result;
  } finally {
    await relay.stop();
  }
}

async function handlerTimesOf(workers: readonly RunningWorker[]) {
  const times = [];
  for (const worker of workers) {
    for (const time of await processingTimes(worker.port)) {
      times.push({ process: worker.process.name, ...time, meanMs: round(time.meanMs) });
    }
  }

  return times;
}

/** Times the image store on the first images the Strata run stored, or null when none were. */
async function probeStore(context: Context, completed: number) {
  const count = Math.min(STORE_PROBE_IMAGES, completed);
  if (count === 0) {
    return null;
  }

  const images = generateImages({ ...familyOptions(context), images: count, withFindings: true });
  const sample = [...images].map((image) => image.record);
  const { addresses } = context.options;

  return probeImageStore(addresses.mongodbUri, context.deployment.names.database, sample);
}

async function runStrata(
  context: Context,
): Promise<Omit<PipelineResult, 'relay' | 'relayRatio' | 'fanOut'>> {
  const { deployment, options } = context;
  const profileDirectory = join(options.outputDirectory, 'profiles');
  mkdirSync(profileDirectory, { recursive: true });
  const ancestry = await deployment.start('ancestry-worker', profileDirectory);
  const ingestion = await deployment.start('ingestion-worker', profileDirectory);
  const workers = [ingestion, ancestry];
  const processes = workers.map((worker) => worker.process);
  const watched = [...options.watchedServers, ...processes];
  const digests = generatedDigests(familyOptions(context));
  const watcher = await startWatcher(context, deployment.topics.ancestry, digests);

  options.log(`strata: ${options.events} events through both workers`);
  const sampler = new RssSampler(processes, options.rssIntervalMs);
  const cpuBefore = readCpuSeconds(watched);
  const messages = analyzedMessages(familyOptions(context));
  const run = await measure(context, watcher, deployment.topics.analyzed, messages, options.events);
  const cpuSeconds = cpuSecondsBetween(cpuBefore, readCpuSeconds(watched));
  sampler.stop();
  const windowRates = windowRatesOf(watcher.arrivalTimes(), run.durationMs);
  await watcher.stop();

  const handlerTimes = await handlerTimesOf(workers);
  const storeProbe = await probeStore(context, run.completed);
  await deployment.stop();
  const profiles = processes.map((child) =>
    summarizeCpuProfile(child.name, join(profileDirectory, `${child.name}.cpuprofile`)),
  );
  const rss = [...sampler.samples.entries()].map(([name, samples]) => rssFigures(name, samples));
  const strata = { ...run, windowRates, cpuSeconds, handlerTimes };

  return { strata, storeProbe, rss, profiles };
}

/**
 * Stores images built on a base directly through the adapters, because the ingestion path would
 * cost as much per image as the throughput run. Then publishes the base and times until each of
 * them has a new `image.ancestry` that lists the base.
 */
async function runFanOut(context: Context): Promise<PipelineResult['fanOut']> {
  const { deployment, options } = context;
  const images = options.fanOutImages;
  const family = { images: images + 1, imagesPerTree: images + 1, seed: options.seed + 100 };
  const [base, ...relatives] = [...generateImages({ ...family, withFindings: true })];
  if (base === undefined) {
    throw new Error('the fan-out family has no base');
  }

  options.log(`fan-out: storing ${images} images on the layers of a base not stored yet`);
  await deployment.start('ancestry-worker');
  await deployment.start('ingestion-worker');
  const started = Date.now();
  await deployment.storeDirectly(relatives.map((image) => image.record));
  const storeMs = Date.now() - started;
  const baseDigest = base.record.image.digest;
  const digests = relatives.map((image) => image.record.image.digest);
  const updated = await startWatcher(
    context,
    deployment.topics.ancestry,
    digests,
    (value) => mentions(value, baseDigest),
    false,
  );
  options.log('fan-out: publishing the base');
  const topic = deployment.topics.analyzed;
  const fanOut = await measure(context, updated, topic, [analyzedMessage(base)], images);
  await updated.stop();

  return { images, storeMs, durationMs: fanOut.durationMs, completed: fanOut.completed };
}

function windowRatesOf(arrivals: readonly number[], durationMs: number): Spread {
  const sorted = [...arrivals].sort((a, b) => a - b);
  const first = sorted[0] ?? 0;
  const windowMs = Math.max(1000, durationMs / 10);
  const counts = new Map<number, number>();
  for (const arrival of sorted) {
    const window = Math.floor((arrival - first) / windowMs);
    counts.set(window, (counts.get(window) ?? 0) + 1);
  }
  const last = Math.floor(((sorted.at(-1) ?? first) - first) / windowMs);
  const full = [...counts.entries()].filter(([window]) => window < last).map(([, count]) => count);

  return spreadOf(
    (full.length > 0 ? full : [sorted.length]).map((count) => count / (windowMs / 1000)),
  );
}

function rssFigures(process: string, samples: readonly RssSample[]): RssFigures {
  const at = (share: number) =>
    samples[Math.min(samples.length - 1, Math.floor(share * samples.length))]?.rssBytes ?? 0;
  const mid = at(0.5);
  const end = samples.at(-1)?.rssBytes ?? 0;

  return {
    process,
    samples: samples.length,
    startBytes: samples[0]?.rssBytes ?? 0,
    midBytes: mid,
    endBytes: end,
    maxBytes: Math.max(0, ...samples.map((sample) => sample.rssBytes)),
    secondHalfGrowthPercent: round(((end - mid) / mid) * 100),
  };
}
