import {
  parseReportJson,
  REPORT_CONVERTERS,
  type ConvertOptions,
  type ReportFormat,
} from '@strata/core';

import type { CommandIo } from '../command-io.ts';
import { parseDigestOption } from '../commands/option-parsers.ts';
import { reasonOf, type PublishBatch } from './publish-batch.ts';

/** Options for reports that lack facts about the image, as the converters take them. */
export interface ReportFlags {
  digest?: string;
  layerDigests?: string;
  analyzedAt?: string;
  tag?: string[];
}

/**
 * Builds the converter options from the command-line flags, raising a usage error for an
 * invalid digest.
 */
export function convertOptions(flags: ReportFlags): ConvertOptions {
  const options: ConvertOptions = {};
  if (flags.digest !== undefined) options.digest = parseDigestOption(flags.digest, '--digest');
  if (flags.layerDigests !== undefined) {
    options.layerDigests = flags.layerDigests
      .split(',')
      .map((digest, position) => parseDigestOption(digest.trim(), `--layer-digests[${position}]`));
  }

  if (flags.analyzedAt !== undefined) options.analyzedAt = flags.analyzedAt;
  if (flags.tag !== undefined) options.tags = flags.tag;

  return options;
}

/** Converts one scanner report file to an event, or rejects it with the converter's reason. */
export async function readReport(
  io: CommandIo,
  format: ReportFormat,
  path: string,
  options: ConvertOptions,
  batch: PublishBatch,
): Promise<void> {
  try {
    const report = parseReportJson(format, await io.readInput(path));
    batch.events.push(REPORT_CONVERTERS[format](report, options));
  } catch (error) {
    batch.rejected.push({ source: path, reason: reasonOf(error) });
  }
}
