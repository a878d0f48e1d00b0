import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root, where `services/<name>/src/main.ts` lives. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Lines of output kept per worker, to show in a failure message. */
const KEPT_LINES = 200;

export type WorkerName = 'ingestion-worker' | 'ancestry-worker';

/**
 * One worker started as its own OS process from its TypeScript sources, the way
 * `node --conditions=@strata/source services/<name>/src/main.ts` runs it. Keeps the last lines
 * of its output for failure messages.
 */
export class WorkerProcess {
  readonly name: WorkerName;
  readonly #env: Record<string, string>;
  readonly #lines: string[] = [];
  #child: ChildProcess | undefined;
  #exited: Promise<number | string> | undefined;

  constructor(name: WorkerName, env: Record<string, string>) {
    this.name = name;
    this.#env = env;
  }

  /** Starts the process; the worker connects and joins its group in the background. */
  start(): void {
    const main = `services/${this.name}/src/main.ts`;
    const args = ['--conditions=@strata/source', '--disable-warning=ExperimentalWarning', main];
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...this.#env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.setEncoding('utf8').on('data', (text: string) => this.#keep(text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => this.#keep(text));
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    });
    this.#child = child;
  }

  /** Sends `signal` to this process by its id and waits until it exits. */
  async kill(signal: NodeJS.Signals): Promise<number | string> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) {
      return this.#exited ?? 'not started';
    }

    child.kill(signal);

    return this.#exited ?? 'not started';
  }

  /** Returns the last lines of output, for a failure message. */
  output(): string {
    return `--- ${this.name} (last ${KEPT_LINES} lines) ---\n${this.#lines.join('\n')}`;
  }

  #keep(text: string): void {
    this.#lines.push(...text.split('\n').filter((line) => line !== ''));
    this.#lines.splice(0, Math.max(0, this.#lines.length - KEPT_LINES));
  }
}
