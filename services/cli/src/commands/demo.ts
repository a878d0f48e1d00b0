import {
  ancestryEventSchema,
  baseComparisonEventSchema,
  EVENT_TYPES,
  type AncestryEvent,
  type BaseComparisonEvent,
} from '@strata/core';
import { runEmbedded } from '@strata/embedded';
import { Command } from 'commander';

import type { CliServices } from '../cli-services.ts';
import { demoInputs } from '../demo/demo-inputs.ts';
import { renderForest } from '../demo/render-forest.ts';
import { EXIT_STATUS, inputsExitStatus } from '../exit-status.ts';
import { outputOption, type OutputMode } from '../output/output-mode.ts';
import { renderComparison } from '../output/render-comparison.ts';
import { runCommand } from '../run-command.ts';

function hasFindings(comparison: BaseComparisonEvent): boolean {
  const { counts } = comparison;

  return counts.inherited + counts.introduced + counts.inheritedUnreported + counts.resolved > 0;
}

/**
 * `strata demo`: runs both workers in this process on in-memory adapters over the bundled
 * official images and scanner reports, and prints the ancestry forest and the comparisons.
 * Needs no services and no network.
 */
export function demoCommand(services: CliServices): Command {
  return new Command('demo')
    .description('run the whole pipeline in memory on bundled real images and scanner reports')
    .addOption(outputOption())
    .action((flags: { output: OutputMode }) =>
      runCommand(services, async () => {
        const { io, clock } = services;
        const inputs = demoInputs();
        const startedAt = clock();
        const outcome = await runEmbedded(inputs.events);
        const elapsedMs = clock() - startedAt;
        if (flags.output === 'json') {
          for (const message of outcome.messages) io.stdout.write(`${JSON.stringify(message)}\n`);

          return EXIT_STATUS.ok;
        }

        const ancestries: AncestryEvent[] = [];
        const comparisons: BaseComparisonEvent[] = [];
        for (const message of outcome.messages) {
          if (message.topic === EVENT_TYPES.ancestry.topic)
            ancestries.push(ancestryEventSchema.parse(message.value));
          else comparisons.push(baseComparisonEventSchema.parse(message.value));
        }

        io.stdout.write(
          `Strata demo: the ingestion and ancestry workers in this process, on in-memory adapters.\n` +
            `Input: ${inputs.officialCount} official Docker images (layer lists from docker-library/repo-info)\n` +
            `and ${inputs.scannerCount} Trivy reports of distroless images (from aquasecurity/trivy test data).\n\n` +
            `Ancestry forest (each image under its parent):\n${renderForest(ancestries)}\n` +
            `Base comparisons with findings:\n`,
        );
        const withFindings = comparisons.filter((comparison) => hasFindings(comparison));
        for (const comparison of withFindings) io.stdout.write(renderComparison(comparison));
        const empty = comparisons.length - withFindings.length;
        if (empty > 0) {
          io.stdout.write(
            `(${empty} more comparisons have no findings: those images carry layers only)\n`,
          );
        }

        for (const letter of outcome.deadLetters)
          io.stdout.write(`rejected ${letter.key ?? ''}: ${letter.reason}\n`);
        io.stdout.write(`\n${outcome.messages.length} results in ${elapsedMs} ms.\n`);

        return inputsExitStatus(outcome.deadLetters.length, outcome.messages.length);
      }),
    );
}
