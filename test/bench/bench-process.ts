import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

/** The repository root, where `services/<name>/src/main.ts` lives. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Lines of output kept per process, for an error message. */
const KEPT_LINES = 100;

/** One RSS reading of a process. */
export interface RssSample {
  /** Milliseconds since the sampling started. */
  atMs: number;
  rssBytes: number;
}

export interface BenchProcessOptions {
  /** Name in messages. */
  name: string;
  /** Script path relative to the repository root. */
  script: string;
  env: Record<string, string>;
  /** Directory for a V8 CPU profile written at exit; no profile when unset. */
  cpuProfileDirectory?: string;
}

/**
 * A Node.js process the benchmark starts from TypeScript sources, profiles, samples for RSS and
 * stops by its own pid.
 */
export class BenchProcess {
  readonly name: string;
  readonly #child: ChildProcess;
  readonly #lines: string[] = [];
  readonly #exited: Promise<number | string>;

  constructor(options: BenchProcessOptions) {
    this.name = options.name;
    const profile = options.cpuProfileDirectory;
    const profiling =
      profile === undefined
        ? []
        : ['--cpu-prof', `--cpu-prof-dir=${profile}`, `--cpu-prof-name=${options.name}.cpuprofile`];
    const args = ['--conditions=@strata/source', '--disable-warning=ExperimentalWarning'];
    this.#child = spawn(process.execPath, [...args, ...profiling, options.script], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child.stdout?.setEncoding('utf8').on('data', (text: string) => this.#keep(text));
    this.#child.stderr?.setEncoding('utf8').on('data', (text: string) => this.#keep(text));
    this.#exited = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    });
  }

  get pid(): number {
    return this.#child.pid ?? -1;
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Waits until `probe` returns true, failing when the process exits or `timeoutMs` passes. */
  async waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await probe().catch(() => false))) {
      if (!this.running) {
        throw new Error(`${this.name} exited before ${what}:\n${this.output()}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`${this.name} timed out after ${timeoutMs} ms waiting for ${what}`);
      }
      await sleep(200);
    }
  }

  /** Returns true once a line of output contains `text`. */
  printed(text: string): boolean {
    return this.#lines.some((line) => line.includes(text));
  }

  /** Reads the resident set size from /proc, or returns null when the process is gone. */
  rssBytes(): number | null {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kilobytes = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];

      return kilobytes === undefined ? null : Number(kilobytes) * 1024;
    } catch {
      return null;
    }
  }

  /** Sends SIGTERM to this process's pid and waits for its exit (then SIGKILL after `graceMs`). */
  async stop(graceMs = 60_000): Promise<number | string> {
    if (!this.running) {
      return this.#exited;
    }

    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
    const status = await this.#exited;
    clearTimeout(timer);

    return status;
  }

  /** The last lines of output, for an error message. */
  output(): string {
    return `--- ${this.name} (last ${KEPT_LINES} lines) ---\n${this.#lines.join('\n')}`;
  }

  #keep(text: string): void {
    this.#lines.push(...text.split('\n').filter((line) => line !== ''));
    this.#lines.splice(0, Math.max(0, this.#lines.length - KEPT_LINES));
  }
}

/** Samples the RSS of processes at a fixed interval until stopped. */
export class RssSampler {
  readonly samples = new Map<string, RssSample[]>();
  readonly #timer: NodeJS.Timeout;
  readonly #started = Date.now();

  constructor(processes: readonly BenchProcess[], intervalMs: number) {
    const sample = () => {
      for (const child of processes) {
        const rssBytes = child.rssBytes();
        if (rssBytes === null) continue;
        const list = this.samples.get(child.name) ?? [];
        list.push({ atMs: Date.now() - this.#started, rssBytes });
        this.samples.set(child.name, list);
      }
    };
    sample();
    this.#timer = setInterval(sample, intervalMs);
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
