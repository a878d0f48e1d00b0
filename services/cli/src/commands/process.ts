import { Command } from 'commander';

import { analyzedEventSchema, parseWith, StrataError, type AnalyzedEvent } from '@strata/core';
import { runEmbedded } from '@strata/embedded';

import type { CommandIo } from '../command-io.ts';
import { inputsExitStatus } from '../exit-status.ts';
import { collect } from './option-parsers.ts';
import { readLinesOrErrors, type NumberedLine, type RejectedLine } from '../read-lines.ts';

/**
 * `strata process FILE`: reads `image.analyzed` events as NDJSON and runs them through the
 * ingestion and ancestry workers in this process on in-memory adapters. Prints the latest
 * `image.ancestry` and `image.base-comparison` result of each image as NDJSON records
 * `{"topic", "key", "value"}` ordered by image digest, then topic.
 */
export function processCommand(io: CommandIo): Command {
  return new Command('process')
    .description('process image.analyzed events (NDJSON) offline and print the results')
    .argument('<file>', 'NDJSON file of image.analyzed events, - for standard input')
    .option(
      '--mark-base <pattern>',
      'tag pattern (* wildcard) of images marked as bases; repeat for more',
      collect,
    )
    .action(async (file: string, options: { markBase?: string[] }) => {
      const { events, rejected } = await readEvents(io, file);
      const outcome = await runEmbedded(events, { markedBasePatterns: options.markBase ?? [] });
      for (const message of outcome.messages) {
        io.stdout.write(`${JSON.stringify(message)}\n`);
      }

      for (const skipped of outcome.skipped) {
        io.stderr.write(`skipped ${skipped.digest}: ${skipped.reason}\n`);
      }

      for (const notice of outcome.notices) {
        io.stderr.write(`notice ${notice.digest}: ${notice.reason}\n`);
      }

      for (const letter of outcome.deadLetters) {
        io.stderr.write(`rejected ${letter.key ?? '(no key)'}: ${letter.reason}\n`);
      }

      const failed = rejected + outcome.deadLetters.length;
      io.setExitCode(inputsExitStatus(failed, outcome.messages.length));
    });
}

async function readEvents(io: CommandIo, file: string) {
  const events: AnalyzedEvent[] = [];
  let rejected = 0;
  for await (const line of readLinesOrErrors(io.openInput(file))) {
    if (!('error' in line) && line.text.trim() === '') {
      continue;
    }

    try {
      events.push(parseWith(analyzedEventSchema, parseLine(line), 'image.analyzed event'));
    } catch (error) {
      rejected += 1;
      const reason = error instanceof Error ? error.message : String(error);
      io.stderr.write(`line ${line.number}: rejected: ${reason}\n`);
    }
  }

  return { events, rejected };
}

function parseLine(line: NumberedLine | RejectedLine): unknown {
  if ('error' in line) {
    throw line.error;
  }

  try {
    return JSON.parse(line.text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StrataError('INVALID_EVENT', `invalid JSON: ${reason}`, { cause: error });
  }
}
