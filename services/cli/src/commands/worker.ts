import { Argument, Command } from 'commander';

import { StrataError } from '@strata/core';

import type { CliServices } from '../cli-services.ts';
import { describeError } from '../run-command.ts';
import { EXIT_STATUS } from '../exit-status.ts';

const WORKERS = {
  ingestion: '@strata/ingestion-worker',
  ancestry: '@strata/ancestry-worker',
} as const;

type WorkerName = keyof typeof WORKERS;

/**
 * Returns the URL of a worker service's `main` module, next to the module its package exports:
 * `src/main.ts` when running from sources, `dist/main.js` when built.
 */
export function workerMainUrl(name: WorkerName): URL {
  const entry = import.meta.resolve(WORKERS[name]);
  const file = entry.endsWith('.ts') ? './main.ts' : './main.js';

  return new URL(file, entry);
}

/**
 * `strata worker ingestion|ancestry`: runs a worker in this process by loading its service's
 * `main` module, which reads the environment, handles SIGTERM and SIGINT and exits on its own.
 */
export function workerCommand(services: CliServices): Command {
  return new Command('worker')
    .description(
      'run the ingestion or the ancestry worker in this process (configured by the environment)',
    )
    .addArgument(new Argument('<worker>', 'which worker').choices(Object.keys(WORKERS)))
    .action(async (name: WorkerName) => {
      try {
        await import(workerMainUrl(name).href);
      } catch (error) {
        const reason = new StrataError(
          'INTERNAL',
          `${name} worker failed to load: ${describeError(error)}`,
        );
        services.io.stderr.write(`strata: ${reason.message}\n`);
        services.io.setExitCode(EXIT_STATUS.failure);
      }
    });
}
