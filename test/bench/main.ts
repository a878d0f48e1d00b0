// Strata's benchmarks: ancestry lookups against the Redis chain index at growing sizes, Redis
// memory per image, the naive lookups without a chain index, and the end-to-end pipeline against
// a bare Kafka relay. Run with `pnpm bench -- --scale ci|tiny|full`; see docs/benchmarks.md.
// `--render results.json` writes the report of an earlier run again, with `--doc` as target.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { resolveServices } from '@strata/testkit';
import type { ServiceAddresses } from '@strata/testkit';
import { ROOT } from './bench-process.ts';
import { BENCH_SCALES } from './bench-scales.ts';
import type { BenchScale } from './bench-scales.ts';
import { DEDICATED_REDIS_CONFIG, DedicatedServer } from './dedicated-server.ts';
import { localServicePids } from './process-cpu.ts';
import type { WatchedProcess } from './process-cpu.ts';
import { runLookupBench } from './lookup-bench.ts';
import { runNaiveBench } from './naive-bench.ts';
import { runPipelineBench } from './pipeline-bench.ts';
import { renderReport } from './render-report.ts';
import type { BenchResults } from './bench-results.ts';

const PHASES = ['lookup', 'naive', 'pipeline'] as const;
/** Highest 1-minute load average at which a full run starts. */
const MAX_START_LOAD = 1.5;
const LOAD_POLL_MS = 60_000;
const LOAD_WAIT_MS = 25 * 60_000;

// `pnpm bench -- --scale full` passes the `--` on to the script.
const args = process.argv.slice(2);
const { values } = parseArgs({
  args: args[0] === '--' ? args.slice(1) : args,
  allowNegative: true,
  options: {
    scale: { type: 'string', default: 'tiny' },
    out: { type: 'string' },
    doc: { type: 'string' },
    phases: { type: 'string', default: PHASES.join(',') },
    events: { type: 'string' },
    'wait-load': { type: 'boolean' },
    render: { type: 'string' },
    seed: { type: 'string', default: '20261204' },
  },
});

function log(message: string): void {
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

function chooseScale(): BenchScale {
  const scale = BENCH_SCALES[values.scale as BenchScale['name']] as BenchScale | undefined;
  if (scale === undefined) {
    throw new Error(`invalid --scale "${values.scale}": expected ci, tiny or full`);
  }
  const events = values.events === undefined ? scale.pipelineEvents : Number(values.events);
  if (!Number.isInteger(events) || events < 1) {
    throw new Error(`invalid --events "${values.events}": expected a positive integer`);
  }

  return { ...scale, pipelineEvents: events };
}

function choosePhases(): Set<string> {
  const chosen = (values.phases ?? '').split(',').filter((phase) => phase !== '');
  const unknown = chosen.filter((phase) => !(PHASES as readonly string[]).includes(phase));
  if (unknown.length > 0) {
    throw new Error(`invalid --phases "${unknown.join(',')}": expected ${PHASES.join(', ')}`);
  }

  return new Set(chosen);
}

/** Waits until the 1-minute load average drops below the threshold, polling once a minute. */
async function waitForQuietMachine(): Promise<void> {
  const deadline = Date.now() + LOAD_WAIT_MS;
  while ((loadavg()[0] ?? 0) >= MAX_START_LOAD && Date.now() < deadline) {
    log(
      `load average ${loadavg()
        .map((value) => value.toFixed(2))
        .join(' ')}; waiting`,
    );
    await sleep(LOAD_POLL_MS);
  }
}

/** Names the measured source: the HEAD commit, marked when tracked files have changes. */
function sourceRevision(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' });
    const head = git('rev-parse', '--short', 'HEAD').trim();
    const changed = git('status', '--porcelain', '--untracked-files=no').trim() !== '';

    return changed ? `${head} with uncommitted changes` : head;
  } catch {
    return 'unknown (not a git work tree)';
  }
}

function machine(): BenchResults['machine'] {
  return {
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
  };
}

async function runLookupPhase(scale: BenchScale, addresses: ServiceAddresses, seed: number) {
  const dedicated = await DedicatedServer.startRedis();
  try {
    const redis = {
      version: dedicated?.version ?? 'the shared Redis',
      dedicated: dedicated !== null,
      config: DEDICATED_REDIS_CONFIG,
    };
    const lookup = await runLookupBench({
      sizes: scale.lookupSizes,
      lookups: scale.lookups,
      repetitions: scale.repetitions,
      redisUrl: dedicated?.url ?? addresses.redisUrl,
      dedicatedServer: dedicated !== null,
      seed,
      log,
    });

    return { redis, lookup };
  } finally {
    await dedicated?.stop();
  }
}

/** Lists the server processes to read CPU time from, with a dedicated FerretDB in place. */
function watchedServers(ferretDb: DedicatedServer | null): WatchedProcess[] {
  const local = localServicePids();
  if (ferretDb === null) {
    return local;
  }

  const others = local.filter((server) => server.name !== 'mongodb');

  return [...others, { name: 'mongodb (FerretDB of the run)', pid: ferretDb.pid }];
}

async function runStorePhases(
  scale: BenchScale,
  phases: Set<string>,
  shared: ServiceAddresses,
  out: string,
) {
  const seed = Number(values.seed);
  const ferretDb = await DedicatedServer.startFerretDb();
  const addresses = { ...shared, mongodbUri: ferretDb?.url ?? shared.mongodbUri };
  const results: Partial<BenchResults> = {
    mongodb: { server: ferretDb?.version ?? 'the shared server', dedicated: ferretDb !== null },
  };
  try {
    if (phases.has('naive')) {
      results.naive = await runNaiveBench({
        images: scale.naiveImages,
        memoryLookups: scale.naiveMemoryLookups,
        mongoLookups: scale.naiveMongoLookups,
        mongoBudgetMs: scale.naiveMongoBudgetMs,
        mongodbUri: addresses.mongodbUri,
        database: `strata-bench-naive-${process.pid}`,
        seed,
        log,
      });
    }
    if (phases.has('pipeline')) {
      results.pipeline = await runPipelineBench({
        addresses,
        events: scale.pipelineEvents,
        fanOutImages: scale.fanOutImages,
        relayRepetitions: scale.relayRepetitions,
        budgetMs: scale.pipelineBudgetMs,
        rssIntervalMs: scale.rssIntervalMs,
        watchedServers: watchedServers(ferretDb),
        outputDirectory: out,
        seed,
        log,
      });
    }
  } finally {
    await ferretDb?.stop();
  }

  return results;
}

async function runPhases(
  scale: BenchScale,
  phases: Set<string>,
  addresses: ServiceAddresses,
  out: string,
): Promise<Partial<BenchResults>> {
  const lookup = phases.has('lookup')
    ? await runLookupPhase(scale, addresses, Number(values.seed))
    : {};
  // Kept apart as soon as they exist, so a later phase that fails does not lose them.
  writeFileSync(join(out, 'lookup-results.json'), `${JSON.stringify(lookup, null, 2)}\n`);
  const stores =
    phases.has('naive') || phases.has('pipeline')
      ? await runStorePhases(scale, phases, addresses, out)
      : {};

  return { ...lookup, ...stores };
}

/** Writes `results.json` and the Markdown report to `out`, and the report to `doc` when set. */
function writeResults(results: BenchResults, out: string, doc: string | undefined): void {
  writeFileSync(join(out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const report = renderReport(results);
  writeFileSync(join(out, 'benchmarks.md'), report);
  if (doc !== undefined) writeFileSync(doc, report);
  log(`wrote ${join(out, 'results.json')}${doc === undefined ? '' : ` and ${doc}`}`);
}

/** Renders the report again from a `results.json` of an earlier run, without measuring. */
function renderAgain(path: string, doc: string | undefined): void {
  // The file is this program's own output, written by `writeResults` below.
  const results = JSON.parse(readFileSync(path, 'utf8')) as BenchResults;
  const report = renderReport(results);
  writeFileSync(doc ?? join(dirname(path), 'benchmarks.md'), report);
}

async function main(): Promise<void> {
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  if (values.render !== undefined) {
    renderAgain(values.render, values.doc);
    return;
  }

  const scale = chooseScale();
  const phases = choosePhases();
  const out = resolve(values.out ?? join(ROOT, '.strata', 'bench', scale.name));
  const doc =
    values.doc ?? (scale.name === 'full' ? join(ROOT, 'docs', 'benchmarks.md') : undefined);
  mkdirSync(out, { recursive: true });

  if (values['wait-load'] ?? scale.name === 'full') await waitForQuietMachine();
  const loadAtStart = loadavg();
  const startedAt = new Date().toISOString();
  const source = sourceRevision();
  log(`scale ${scale.name}, phases ${[...phases].join(',')}, load ${loadAtStart[0]?.toFixed(2)}`);

  const services = await resolveServices(process.env);
  try {
    const figures = await runPhases(scale, phases, services.addresses, out);
    const loadAverage = { start: loadAtStart, end: loadavg() };
    const finishedAt = new Date().toISOString();
    writeResults(
      { scale, source, startedAt, finishedAt, loadAverage, machine: machine(), ...figures },
      out,
      doc,
    );
  } finally {
    await services.release();
  }
}

await main();
