import { Option } from 'commander';

export const OUTPUT_MODES = ['human', 'json'] as const;
export type OutputMode = (typeof OUTPUT_MODES)[number];

/** The `--output human|json` option every subcommand around the workers takes. */
export function outputOption(): Option {
  return new Option('-o, --output <mode>', 'human-readable text or one JSON document per line')
    .choices(OUTPUT_MODES)
    .default('human');
}
