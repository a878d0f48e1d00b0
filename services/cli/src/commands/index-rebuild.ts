import type { ImageStore } from '@strata/core';
import { rebuildChainIndex } from '@strata/ingestion-worker';
import { Command } from 'commander';

import type { CliServices } from '../cli-services.ts';
import { outputOption, type OutputMode } from '../output/output-mode.ts';
import { ProgressReporter } from '../output/progress-reporter.ts';
import { EXIT_STATUS, runCommand } from '../run-command.ts';

/** Wraps a store so that each image its `list` yields advances the progress. */
function countingStore(store: ImageStore, progress: ProgressReporter): ImageStore {
  return Object.assign(Object.create(store) as ImageStore, {
    list: async function* (...args: Parameters<ImageStore['list']>) {
      for await (const record of store.list(...args)) {
        yield record;
        progress.advance(1);
      }
    },
  });
}

/** `strata index rebuild`: refills the Redis chain index from the images in MongoDB. */
export function indexCommand(services: CliServices): Command {
  const rebuild = new Command('rebuild')
    .description('rebuild the Redis chain index from the images stored in MongoDB')
    .option('--clear', 'remove every entry first, dropping entries of deleted images')
    .addOption(outputOption())
    .action((flags: { clear?: boolean; output: OutputMode }) =>
      runCommand(services, async (scope) => {
        const store = await scope.ports.store();
        const index = await scope.ports.index();
        const progress = new ProgressReporter({
          sink: scope.services.io.stderr,
          tty: scope.services.stderrIsTty,
          clock: scope.services.clock,
          total: await store.count(),
          unit: 'images',
        });
        const images = await rebuildChainIndex({
          store: countingStore(store, progress),
          index,
          clear: flags.clear === true,
        });
        progress.finish();
        const entries = await index.size();
        scope.services.io.stdout.write(
          flags.output === 'json'
            ? `${JSON.stringify({ images, entries })}\n`
            : `chain index rebuilt: ${images} images, ${entries} entries\n`,
        );

        return EXIT_STATUS.ok;
      }),
    );

  return new Command('index').description('maintain the Redis chain index').addCommand(rebuild);
}
