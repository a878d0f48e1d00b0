import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

/** Server settings of the benchmark's own Redis, passed as command-line options. */
export const DEDICATED_REDIS_CONFIG = {
  // The chain index's recommended setting: values of chains shared by three or more images
  // exceed the default 64 bytes, and one such value turns its whole bucket into a hash table.
  'hash-max-listpack-value': '256',
};

/** A redis-server that the benchmark starts on a free loopback port and stops by its pid. */
export class DedicatedRedis {
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

  /** Returns true when `redis-server` is on PATH. */
  static available(): boolean {
    return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
  }

  /** Starts the server without persistence and waits until it answers PING (10 s at most). */
  static async start(): Promise<DedicatedRedis> {
    const port = await freePort();
    const directory = mkdtempSync(join(tmpdir(), 'strata-bench-redis-'));
    const settings = Object.entries(DEDICATED_REDIS_CONFIG).flatMap(([key, value]) => [
      `--${key}`,
      value,
    ]);
    const args = ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly'];
    args.push('no', '--protected-mode', 'yes', '--dir', directory, ...settings);
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    const url = `redis://127.0.0.1:${port}`;
    const version = await waitForPing(url, child);

    return new DedicatedRedis(url, version, child, directory);
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

async function waitForPing(url: string, child: ChildProcess): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`redis-server exited with code ${child.exitCode} before answering PING`);
    }

    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    // Refused connections while the server starts are expected; connect() rejects with them.
    client.on('error', () => undefined);
    try {
      await client.connect();
      const info = await client.info('server');
      return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    } catch {
      await sleep(100);
    } finally {
      client.disconnect();
    }
  }

  child.kill('SIGTERM');
  throw new Error(`redis-server at ${url} did not answer PING within 10 s`);
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
