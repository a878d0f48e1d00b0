import type { BusMessage } from '@strata/core';
import { Command, Option } from 'commander';

import type { CliServices } from '../cli-services.ts';
import { outputOption, type OutputMode } from '../output/output-mode.ts';
import { ProgressReporter } from '../output/progress-reporter.ts';
import { describeUnavailable } from '../ports/describe-unavailable.ts';
import { analyzedMessage, DEFAULT_MAX_INLINE_BYTES } from '../publish/analyzed-message.ts';
import {
  readCheckpoint,
  sameSelection,
  writeCheckpoint,
  type ReplayCheckpoint,
  type ReplaySelection,
} from '../replay/replay-checkpoint.ts';
import { archiveItems, storeItems, type ReplayItem } from '../replay/replay-items.ts';
import { topicFromEnv } from './option-parsers.ts';
import { EXIT_STATUS, runCommand, usageError, type CommandScope } from '../run-command.ts';
import { collect, parseCount, parseDigestOption, parseTime } from './option-parsers.ts';

interface ReplayFlags {
  source: 'mongodb' | 's3';
  since?: number;
  until?: number;
  image?: string[];
  checkpoint: string;
  resume?: boolean;
  batchSize: number;
  archivePrefix: string;
  /** Set from `--topic`, else `ANALYZED_TOPIC`, else `image.analyzed`. */
  topic: string;
  resetGroup?: string;
  toTime?: number;
  resetTopic?: string[];
  output: OutputMode;
}

function selectionOf(flags: ReplayFlags): ReplaySelection {
  const selection: ReplaySelection = { source: flags.source };
  if (flags.since !== undefined) selection.since = new Date(flags.since).toISOString();
  if (flags.until !== undefined) selection.until = new Date(flags.until).toISOString();
  if (flags.image !== undefined) {
    selection.images = flags.image.map((digest, position) =>
      parseDigestOption(digest, `--image[${position}]`),
    );
  }

  return selection;
}

async function startingCheckpoint(flags: ReplayFlags, selection: ReplaySelection, now: string) {
  const fresh: ReplayCheckpoint = {
    version: 1,
    selection,
    position: null,
    published: 0,
    done: false,
    updatedAt: now,
  };
  if (flags.resume !== true) return fresh;

  const stored = await readCheckpoint(flags.checkpoint);
  if (stored === null) throw usageError(`--resume: no checkpoint at ${flags.checkpoint}`);
  if (!sameSelection(stored.selection, selection)) {
    throw usageError(
      `--resume: checkpoint ${flags.checkpoint} is for another selection ` +
        `(${JSON.stringify(stored.selection)}); give the same options or start without --resume`,
    );
  }

  return stored;
}

async function items(scope: CommandScope, flags: ReplayFlags, checkpoint: ReplayCheckpoint) {
  if (flags.source === 'mongodb') {
    return storeItems(await scope.ports.store(), checkpoint.selection, checkpoint.position);
  }

  const { store } = await scope.ports.objects();

  return archiveItems(store, flags.archivePrefix, checkpoint.selection, checkpoint.position);
}

async function expectedTotal(scope: CommandScope, flags: ReplayFlags, selection: ReplaySelection) {
  if (selection.images !== undefined) return selection.images.length;
  if (
    flags.source !== 'mongodb' ||
    selection.since !== undefined ||
    selection.until !== undefined
  ) {
    return undefined;
  }

  return (await scope.ports.store()).count();
}

/** Publishes one batch, waits for the bus to acknowledge it, then moves the checkpoint past it. */
async function flush(
  scope: CommandScope,
  flags: ReplayFlags,
  batch: ReplayItem[],
  checkpoint: ReplayCheckpoint,
) {
  const last = batch.at(-1);
  if (last === undefined) return;

  const time = new Date(scope.services.clock()).toISOString();
  const messages: BusMessage[] = [];
  for (const item of batch) {
    messages.push(
      await analyzedMessage(item.event, {
        time,
        source: 'strata-cli/replay',
        maxInlineBytes: DEFAULT_MAX_INLINE_BYTES,
        objects: () => scope.ports.objects(),
        replay: true,
      }),
    );
  }

  const bus = await scope.ports.bus();
  await describeUnavailable(scope.services.env, () => bus.publish(flags.topic, messages));
  checkpoint.position = last.position;
  checkpoint.published += batch.length;
  checkpoint.updatedAt = time;
  await writeCheckpoint(flags.checkpoint, checkpoint);
  batch.length = 0;
}

async function replay(scope: CommandScope, flags: ReplayFlags): Promise<number> {
  const { io, clock } = scope.services;
  const selection = selectionOf(flags);
  const checkpoint = await startingCheckpoint(flags, selection, new Date(clock()).toISOString());
  await writeCheckpoint(flags.checkpoint, checkpoint);
  const progress = new ProgressReporter({
    sink: io.stderr,
    tty: scope.services.stderrIsTty,
    clock,
    total: await expectedTotal(scope, flags, selection),
    done: checkpoint.published,
    unit: 'analyses',
  });
  let interrupted = false;
  const removeHandler = scope.services.onInterrupt(() => {
    interrupted = true;
  });
  const batch: ReplayItem[] = [];
  try {
    for await (const item of await items(scope, flags, checkpoint)) {
      batch.push(item);
      if (batch.length >= flags.batchSize) {
        const count = batch.length;
        await flush(scope, flags, batch, checkpoint);
        progress.advance(count);
      }
      if (interrupted) break;
    }

    if (!interrupted) {
      const count = batch.length;
      await flush(scope, flags, batch, checkpoint);
      progress.advance(count);
      checkpoint.done = true;
      await writeCheckpoint(flags.checkpoint, checkpoint);
    }
  } finally {
    removeHandler();
    progress.finish();
  }

  return summarize(scope, flags, checkpoint, interrupted);
}

function summarize(
  scope: CommandScope,
  flags: ReplayFlags,
  checkpoint: ReplayCheckpoint,
  interrupted: boolean,
) {
  const { stdout } = scope.services.io;
  if (flags.output === 'json') {
    stdout.write(
      `${JSON.stringify({ topic: flags.topic, published: checkpoint.published, done: checkpoint.done, position: checkpoint.position, checkpoint: flags.checkpoint })}\n`,
    );
  } else if (interrupted) {
    stdout.write(
      `interrupted: ${checkpoint.published} analyses replayed to ${flags.topic}; ` +
        `continue with the same options and --resume (checkpoint ${flags.checkpoint})\n`,
    );
  } else {
    stdout.write(`${checkpoint.published} analyses replayed to ${flags.topic}\n`);
  }

  return interrupted ? EXIT_STATUS.interrupted : EXIT_STATUS.ok;
}

async function resetGroup(scope: CommandScope, flags: ReplayFlags, group: string): Promise<number> {
  if (flags.toTime === undefined) throw usageError('--reset-group needs --to-time');

  const topics = flags.resetTopic ?? [flags.topic];
  const groups = await scope.ports.groups();
  await describeUnavailable(scope.services.env, () =>
    groups.resetOffsetsToTime(group, topics, flags.toTime ?? 0),
  );
  const time = new Date(flags.toTime).toISOString();
  scope.services.io.stdout.write(
    flags.output === 'json'
      ? `${JSON.stringify({ group, topics, toTime: time })}\n`
      : `consumer group ${group} reset to ${time} on ${topics.join(', ')}\n`,
  );

  return EXIT_STATUS.ok;
}

/** `strata replay`: re-publishes stored analyses marked as replay, or resets a consumer group. */
export function replayCommand(services: CliServices): Command {
  return new Command('replay')
    .description(
      're-publish stored analyses to image.analyzed, marked as replay, with a resumable checkpoint',
    )
    .addOption(
      new Option('--source <source>', 'where the analyses are read')
        .choices(['mongodb', 's3'])
        .default('mongodb'),
    )
    .option('--since <time>', 'only analyses at or after this ISO 8601 time', parseTime)
    .option('--until <time>', 'only analyses before this ISO 8601 time', parseTime)
    .option('--image <digest...>', 'only these images')
    .option(
      '--checkpoint <path>',
      'checkpoint file, rewritten after each acknowledged batch',
      '.strata-replay.json',
    )
    .option('--resume', 'continue after the position in --checkpoint')
    .option('--batch-size <n>', 'analyses per publish and checkpoint', parseCount, 100)
    .option(
      '--archive-prefix <prefix>',
      'key prefix of the S3 archive (ARCHIVE_PREFIX of the ingestion worker)',
      'archive/',
    )
    .option(
      '--topic <topic>',
      'topic to publish to (default: $ANALYZED_TOPIC, else image.analyzed)',
    )
    .option(
      '--reset-group <group>',
      'instead of replaying, move this stopped consumer group to --to-time',
    )
    .option('--to-time <time>', 'ISO 8601 time for --reset-group', parseTime)
    .option(
      '--reset-topic <topic>',
      'topic whose offsets --reset-group moves; repeat for more (default: the analyzed topic)',
      collect,
    )
    .addOption(outputOption())
    .action((flags: ReplayFlags) =>
      runCommand(services, async (scope) => {
        // Commander leaves the option undefined without a default; the type states the result.
        flags.topic ??= topicFromEnv(services.env);
        if (flags.batchSize < 1) throw usageError('--batch-size: expected at least 1');
        if (flags.resetGroup !== undefined) return resetGroup(scope, flags, flags.resetGroup);

        return replay(scope, flags);
      }),
    );
}
