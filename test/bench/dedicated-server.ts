import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { ROOT } from './bench-process.ts';

/** Server settings of the benchmark's own Redis, passed as command-line options. */
export const DEDICATED_REDIS_CONFIG = {
  // The chain index's recommended setting: values of chains shared by three or more images
  // exceed the default 64 bytes, and one such value turns its whole bucket into a hash table.
  'hash-max-listpack-value': '256',
};

/** Time a server may take before it accepts its first request. */
const START_TIMEOUT_MS = 20_000;

/**
 * A server that the benchmark starts on a free loopback port, so that its figures are not mixed
 * with other work on the shared servers, and stops by its own pid.
 */
export class DedicatedServer {
  readonly url: string;
  readonly version: string;
  readonly #child: ChildProcess;
  readonly #directory: string;

  private constructor(url: string, version: string, child: ChildProcess, directory: string) {
    this.url = url;
    this.version = version;
    this.#child = child;
    this.#directory = directory;
  }

  get pid(): number {
    return this.#child.pid ?? -1;
  }

  /** Starts redis-server without persistence, or returns null when it is not on PATH. */
  static async startRedis(): Promise<DedicatedServer | null> {
    if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) {
      return null;
    }

    const port = await freePort();
    const directory = mkdtempSync(join(tmpdir(), 'strata-bench-redis-'));
    const settings = Object.entries(DEDICATED_REDIS_CONFIG).flatMap(([key, value]) => [
      `--${key}`,
      value,
    ]);
    const args = ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly'];
    args.push('no', '--protected-mode', 'yes', '--dir', directory, ...settings);
    const url = `redis://127.0.0.1:${port}`;

    return DedicatedServer.#start('redis-server', args, url, directory, redisVersion);
  }

  /**
   * Starts the FerretDB that `infra/local/services.sh` installed (SQLite backend, telemetry off,
   * no debug listener), or returns null when it is not installed.
   */
  static async startFerretDb(): Promise<DedicatedServer | null> {
    const binary = installedFerretDb();
    if (binary === null) {
      return null;
    }

    const port = await freePort();
    const directory = mkdtempSync(join(tmpdir(), 'strata-bench-ferretdb-'));
    const args = ['--handler=sqlite', `--sqlite-url=file:${directory}/`];
    args.push(`--listen-addr=127.0.0.1:${port}`, '--debug-addr=-', '--telemetry=disable');
    args.push(`--state-dir=${directory}`, '--log-level=warn', '--log-format=text');
    const url = `mongodb://127.0.0.1:${port}`;

    return DedicatedServer.#start(binary, args, url, directory, ferretDbVersion);
  }

  static async #start(
    command: string,
    args: string[],
    url: string,
    directory: string,
    probe: (url: string) => Promise<string>,
  ): Promise<DedicatedServer> {
    const child = spawn(command, args, { stdio: 'ignore' });
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        throw new Error(`${command} exited with code ${child.exitCode} before answering at ${url}`);
      }

      const version = await probe(url).catch(() => null);
      if (version !== null) {
        return new DedicatedServer(url, version, child, directory);
      }

      await sleep(200);
    }

    child.kill('SIGTERM');
    throw new Error(`${command} did not answer at ${url} within ${START_TIMEOUT_MS} ms`);
  }

  /** Sends SIGTERM to the server's pid, waits for its exit and removes its directory. */
  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      const exited = new Promise((resolve) => this.#child.once('exit', resolve));
      this.#child.kill('SIGTERM');
      await exited;
    }

    rmSync(this.#directory, { recursive: true, force: true });
  }
}

async function redisVersion(url: string): Promise<string> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  // Refused connections while the server starts are expected, and connect() rejects with them.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const info = await client.info('server');

    return `Redis ${/redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown'}`;
  } finally {
    client.disconnect();
  }
}

async function ferretDbVersion(url: string): Promise<string> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 1000 });
  try {
    const info = await client.db('admin').command({ buildInfo: 1 });

    return `FerretDB ${String(info.ferretdbVersion)} (SQLite backend, built with its \`_id\` index fix)`;
  } finally {
    await client.close();
  }
}

/**
 * Finds the FerretDB binary that `infra/local/mongodb.sh` installs: the version that script names,
 * built with its `_id` index fix, under the local services' cache directory.
 */
function installedFerretDb(): string | null {
  const cache = process.env.STRATA_CACHE_DIR ?? join(homedir(), '.cache', 'strata');
  const script = readFileSync(join(ROOT, 'infra', 'local', 'mongodb.sh'), 'utf8');
  const version = /^FERRETDB_VERSION=(\S+)$/m.exec(script)?.[1];
  if (version === undefined) {
    throw new Error('infra/local/mongodb.sh names no FERRETDB_VERSION');
  }

  const binary = join(cache, `ferretdb-${version}-id-index`, 'bin', 'ferretdb');

  return existsSync(binary) ? binary : null;
}

/** Finds a free loopback TCP port by binding port 0 and closing the listener. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
