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

/**
 * `strata index rebuild`: refills the Redis chain index from the images in MongoDB, then adds
 * them to the store's descendant index, which images stored before it existed are missing from.
 */
export function indexCommand(services: CliServices): Command {
  const rebuild = new Command('rebuild')
    .description(
      'rebuild the Redis chain index and the MongoDB descendant index from the stored images',
    )
    .option('--clear', 'remove every chain index entry first, dropping entries of deleted images')
    .addOption(outputOption())
    .action((flags: { clear?: boolean; output: OutputMode }) =>
      runCommand(services, async (scope) => {
        const store = await scope.ports.store();
        const index = await scope.ports.index();
        const total = await store.count();
        const progress = (unit: string) =>
          new ProgressReporter({
            sink: scope.services.io.stderr,
            tty: scope.services.stderrIsTty,
            clock: scope.services.clock,
            total,
            unit,
          });
        const indexProgress = progress('images in the chain index');
        const images = await rebuildChainIndex({
          store: countingStore(store, indexProgress),
          index,
          clear: flags.clear === true,
        });
        indexProgress.finish();
        const entries = await index.size();
        const treeProgress = progress('images in the descendant index');
        const descendantIndexImages = await store.rebuildDescendantIndex(() =>
          treeProgress.advance(1),
        );
        treeProgress.finish();
        scope.services.io.stdout.write(
          flags.output === 'json'
            ? `${JSON.stringify({ images, entries, descendantIndexImages })}\n`
            : `chain index rebuilt: ${images} images, ${entries} entries\n` +
                `descendant index rebuilt: ${descendantIndexImages} images\n`,
        );

        return EXIT_STATUS.ok;
      }),
    );

  return new Command('index')
    .description('maintain the Redis chain index and the MongoDB descendant index')
    .addCommand(rebuild);
}
