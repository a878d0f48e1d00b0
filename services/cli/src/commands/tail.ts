import { randomUUID } from 'node:crypto';

import {
  ancestryEventSchema,
  baseComparisonEventSchema,
  EVENT_TYPES,
  type ConsumedMessage,
} from '@strata/core';
import { Command } from 'commander';

import type { CliServices } from '../cli-services.ts';
import { outputOption, type OutputMode } from '../output/output-mode.ts';
import { renderAncestry } from '../output/render-ancestry.ts';
import { renderComparison } from '../output/render-comparison.ts';
import { describeUnavailable } from '../ports/describe-unavailable.ts';
import { EXIT_STATUS, runCommand, type CommandScope } from '../run-command.ts';
import { readResultBody } from '../results/read-result-body.ts';
import { parseCount } from './option-parsers.ts';

interface TailFlags {
  fromBeginning?: boolean;
  group?: string;
  count?: number;
  output: OutputMode;
}

/** Result topics, named by the ancestry worker's variables when set. */
function resultTopics(env: CliServices['env']) {
  return {
    ancestry: env.ANCESTRY_TOPIC ?? EVENT_TYPES.ancestry.topic,
    comparison: env.BASE_COMPARISON_TOPIC ?? EVENT_TYPES.baseComparison.topic,
  };
}

/** Renders one result record for people: a header line, then the tree or the counts. */
function renderResult(message: ConsumedMessage, body: unknown, isAncestry: boolean): string {
  const parsed = isAncestry
    ? ancestryEventSchema.safeParse(body)
    : baseComparisonEventSchema.safeParse(body);
  if (!parsed.success) {
    return `${message.topic} ${message.key ?? ''}: not a valid result (${parsed.error.issues[0]?.message ?? ''})\n`;
  }

  const value = parsed.data;
  const replay = value.replay === true ? ' replay' : '';
  const header = `── ${message.topic} v${value.version}${replay} ${message.key ?? ''}\n`;
  const text = isAncestry
    ? renderAncestry(ancestryEventSchema.parse(value))
    : renderComparison(baseComparisonEventSchema.parse(value));

  return `${header}${text}`;
}

async function handle(scope: CommandScope, message: ConsumedMessage, flags: TailFlags) {
  const { stdout } = scope.services.io;
  if (message.value === null) {
    stdout.write(
      flags.output === 'json'
        ? `${JSON.stringify({ topic: message.topic, key: message.key, value: null })}\n`
        : `── ${message.topic} ${message.key ?? ''}: removed (tombstone)\n`,
    );

    return;
  }

  const body = await readResultBody(message.value, () => scope.ports.objects());
  stdout.write(
    flags.output === 'json'
      ? `${JSON.stringify({ topic: message.topic, key: message.key, value: body })}\n`
      : renderResult(message, body, message.topic === resultTopics(scope.services.env).ancestry),
  );
}

/**
 * `strata tail`: prints ancestry and base-comparison results as they arrive, in its own consumer
 * group, until SIGINT or `--count` results. The topics are `ANCESTRY_TOPIC` and
 * `BASE_COMPARISON_TOPIC` when set, as for the ancestry worker.
 */
export function tailCommand(services: CliServices): Command {
  return new Command('tail')
    .description('print image.ancestry and image.base-comparison results as they arrive')
    .option('--from-beginning', 'start at the earliest retained result instead of now')
    .option('--group <id>', 'consumer group (default: a new strata-tail-<uuid> group)')
    .option('--count <n>', 'exit after this many results', parseCount)
    .addOption(outputOption())
    .action((flags: TailFlags) =>
      runCommand(services, async (scope) => {
        const bus = await scope.ports.bus();
        const topics = Object.values(resultTopics(scope.services.env));
        let seen = 0;
        let finish: () => void = () => undefined;
        const finished = new Promise<void>((resolve) => {
          finish = resolve;
        });
        const removeHandler = scope.services.onInterrupt(finish);
        const subscription = await describeUnavailable(scope.services.env, async () => {
          await bus.ensureTopics(topics);

          return bus.subscribe({
            groupId: flags.group ?? `strata-tail-${randomUUID()}`,
            topics,
            fromBeginning: flags.fromBeginning === true,
            eachBatch: async (batch) => {
              for (const message of batch.messages) {
                if (flags.count !== undefined && seen >= flags.count) break;
                await handle(scope, message, flags);
                seen += 1;
              }
              if (flags.count !== undefined && seen >= flags.count) finish();
            },
          });
        });
        if (flags.count === 0) finish();
        await finished;
        removeHandler();
        await subscription.stop();

        return EXIT_STATUS.ok;
      }),
    );
}
