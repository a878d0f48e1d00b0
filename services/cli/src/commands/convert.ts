import { Command, Option } from 'commander';

import { REPORT_CONVERTERS, REPORT_FORMATS, type ReportFormat } from '@strata/core';
import { parseReportJson } from '@strata/core';

import type { CommandIo } from '../command-io.ts';
import { convertOptions, type ReportFlags } from '../publish/read-reports.ts';
import { collect } from './option-parsers.ts';

interface ConvertFlags extends ReportFlags {
  from: ReportFormat;
}

/** `strata convert --from FORMAT FILE`: prints the `image.analyzed` event of a scanner report. */
export function convertCommand(io: CommandIo): Command {
  return new Command('convert')
    .description('convert a scanner report to an image.analyzed event (one JSON line)')
    .argument('<file>', 'report file, - for standard input')
    .addOption(
      new Option('--from <format>', 'report format').choices(REPORT_FORMATS).makeOptionMandatory(),
    )
    .option('--digest <digest>', 'platform manifest digest, when the report lacks it')
    .option('--layer-digests <digests>', 'comma-separated compressed layer digests, bottom first')
    .option(
      '--analyzed-at <time>',
      'analysis time, ISO 8601 with a UTC offset, overriding the report',
    )
    .option('--tag <tag>', 'tag to add to those the report records; repeat for more', collect)
    .action(async (file: string, flags: ConvertFlags) => {
      const tool = flags.from;
      const report = parseReportJson(tool, await io.readInput(file));
      const event = REPORT_CONVERTERS[tool](report, convertOptions(flags));
      io.stdout.write(`${JSON.stringify(event)}\n`);
    });
}
