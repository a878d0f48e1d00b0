import { REPORT_FORMATS, type BusMessage, type ReportFormat } from '@strata/core';
import { Command, Option } from 'commander';

import type { CliServices } from '../cli-services.ts';
import { outputOption, type OutputMode } from '../output/output-mode.ts';
import { analyzedMessage, DEFAULT_MAX_INLINE_BYTES } from '../publish/analyzed-message.ts';
import { emptyBatch, type PublishBatch } from '../publish/publish-batch.ts';
import { readEventFile } from '../publish/read-event-files.ts';
import {
  readLayout,
  readRegistryImage,
  readSavedImages,
  type RegistryFlags,
} from '../publish/read-images.ts';
import { convertOptions, readReport, type ReportFlags } from '../publish/read-reports.ts';
import { describeUnavailable } from '../ports/describe-unavailable.ts';
import { topicFromEnv } from './option-parsers.ts';
import { inputsExitStatus } from '../exit-status.ts';
import { runCommand, usageError, type CommandScope } from '../run-command.ts';
import { collect, parseCount, parseFlagBoolean } from './option-parsers.ts';

const IMAGE_SOURCES = ['registry', 'oci-layout', 'docker-save'] as const;
const SOURCES = ['events', ...REPORT_FORMATS, 'anchore-vulns', ...IMAGE_SOURCES] as const;
type Source = (typeof SOURCES)[number];

interface PublishFlags extends ReportFlags, RegistryFlags {
  from: Source;
  /** Set from `--topic`, else `ANALYZED_TOPIC`, else `image.analyzed`. */
  topic: string;
  maxInlineBytes: number;
  dryRun?: boolean;
  output: OutputMode;
}

async function readInputs(scope: CommandScope, inputs: readonly string[], flags: PublishFlags) {
  const { io, env, clock } = scope.services;
  const batch = emptyBatch();
  const imageOptions = {
    analyzedAt: flags.analyzedAt ?? new Date(clock()).toISOString(),
    tags: flags.tag ?? [],
  };
  const format: ReportFormat | undefined =
    flags.from === 'anchore-vulns'
      ? 'anchore-vulnerabilities'
      : (REPORT_FORMATS as readonly string[]).includes(flags.from)
        ? (flags.from as ReportFormat)
        : undefined;
  const options = format === undefined ? undefined : convertOptions(flags);
  for (const input of inputs) {
    if (format !== undefined && options !== undefined)
      await readReport(io, format, input, options, batch);
    else if (flags.from === 'events') await readEventFile(io, input, batch);
    else if (flags.from === 'registry')
      await readRegistryImage(input, flags, env, imageOptions, batch);
    else if (flags.from === 'oci-layout') await readLayout(input, imageOptions, batch);
    else await readSavedImages(input, imageOptions, batch);
  }

  return batch;
}

async function send(scope: CommandScope, batch: PublishBatch, flags: PublishFlags) {
  const time = new Date(scope.services.clock()).toISOString();
  const messages: BusMessage[] = [];
  for (const event of batch.events) {
    messages.push(
      await analyzedMessage(event, {
        time,
        source: 'strata-cli',
        maxInlineBytes: flags.maxInlineBytes,
        objects: () => scope.ports.objects(),
      }),
    );
  }

  const bus = await scope.ports.bus();
  await describeUnavailable(scope.services.env, async () => {
    await bus.ensureTopics([flags.topic]);
    await bus.publish(flags.topic, messages);
  });
}

function report(scope: CommandScope, batch: PublishBatch, flags: PublishFlags) {
  const { stdout, stderr } = scope.services.io;
  for (const rejected of batch.rejected)
    stderr.write(`rejected ${rejected.source}: ${rejected.reason}\n`);
  if (flags.dryRun === true) {
    for (const event of batch.events) stdout.write(`${JSON.stringify(event)}\n`);

    return;
  }

  if (flags.output === 'json') {
    const images = batch.events.map((event) => event.image.digest);
    const { rejected, skipped } = batch;
    const summary = { topic: flags.topic, published: images.length, images, rejected, skipped };
    stdout.write(`${JSON.stringify(summary)}\n`);

    return;
  }

  for (const event of batch.events) {
    const tag = event.image.tags?.[0];
    const label = tag === undefined ? '' : ` ${tag}`;
    const count = event.image.layers.length;
    const layers = `${count} ${count === 1 ? 'layer' : 'layers'}`;
    stdout.write(`published ${event.image.digest}${label} (${layers})\n`);
  }
  for (const skipped of batch.skipped)
    stdout.write(`skipped ${skipped.digest}: ${skipped.reason}\n`);
  const rejected = batch.rejected.length > 0 ? `, ${batch.rejected.length} inputs rejected` : '';
  const events = batch.events.length === 1 ? '1 event' : `${batch.events.length} events`;
  stdout.write(`${events} published to ${flags.topic}${rejected}\n`);
}

/** `strata publish`: sends `image.analyzed` events built from files, reports or images. */
export function publishCommand(services: CliServices): Command {
  return new Command('publish')
    .description('send image.analyzed events to Kafka from event files, scanner reports or images')
    .argument(
      '<inputs...>',
      'files (- for standard input), image references, layout directories or tarballs',
    )
    .addOption(
      new Option('--from <source>', 'what the inputs are').choices(SOURCES).default('events'),
    )
    .option('--digest <digest>', 'reports: platform manifest digest, when the report lacks it')
    .option(
      '--layer-digests <digests>',
      'reports: comma-separated compressed layer digests, bottom first',
    )
    .option('--analyzed-at <time>', "analysis time, ISO 8601 (default: the report's, else now)")
    .option('--tag <tag>', 'tag to add to each image; repeat for more', collect)
    .option('--insecure', 'registry: use plain HTTP instead of HTTPS')
    .option('--ca-file <path>', 'registry: PEM file of the CAs to trust instead of the system ones')
    .option(
      '--tls-verify <boolean>',
      'registry: verify the TLS certificate',
      parseFlagBoolean,
      true,
    )
    .option('--username <name>', 'registry user (env STRATA_REGISTRY_USERNAME)')
    .option('--password <password>', 'registry password (env STRATA_REGISTRY_PASSWORD)')
    .option('--token <token>', 'registry bearer token (env STRATA_REGISTRY_TOKEN)')
    .option(
      '--topic <topic>',
      'topic to publish to (default: $ANALYZED_TOPIC, else image.analyzed)',
    )
    .option(
      '--max-inline-bytes <bytes>',
      'larger events send their findings through S3',
      parseCount,
      DEFAULT_MAX_INLINE_BYTES,
    )
    .option('--dry-run', 'print the events as NDJSON instead of sending them')
    .addOption(outputOption())
    .action((inputs: string[], flags: PublishFlags) =>
      runCommand(services, async (scope) => {
        // Commander leaves the option undefined without a default; the type states the result.
        flags.topic ??= topicFromEnv(services.env);
        if (flags.password !== undefined && flags.username === undefined) {
          throw usageError('--password needs --username');
        }

        const batch = await readInputs(scope, inputs, flags);
        if (flags.dryRun !== true && batch.events.length > 0) await send(scope, batch, flags);
        report(scope, batch, flags);

        return inputsExitStatus(batch.rejected.length, batch.events.length);
      }),
    );
}
