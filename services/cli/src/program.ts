import { Command } from 'commander';

import { convertCommand } from './commands/convert.ts';
import { processCommand } from './commands/process.ts';
import type { CommandIo } from './command-io.ts';

/**
 * Builds the `strata` program with every subcommand. Each subcommand lives in its own file under
 * `commands/` and receives the process streams through `io`, so tests run it in memory.
 */
export function buildProgram(io: CommandIo): Command {
  const program = new Command('strata')
    .description('Container image ancestry and base-image attribution of findings.')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride();
  for (const command of [processCommand(io), convertCommand(io)]) {
    program.addCommand(command.copyInheritedSettings(program));
  }

  return program;
}
