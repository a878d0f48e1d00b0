import { Command } from 'commander';

import type { CliServices } from './cli-services.ts';
import { convertCommand } from './commands/convert.ts';
import { demoCommand } from './commands/demo.ts';
import { indexCommand } from './commands/index-rebuild.ts';
import { processCommand } from './commands/process.ts';
import { publishCommand } from './commands/publish.ts';
import { ancestorsCommand, compareCommand, descendantsCommand } from './commands/query-commands.ts';
import { replayCommand } from './commands/replay.ts';
import { tailCommand } from './commands/tail.ts';
import { workerCommand } from './commands/worker.ts';
import type { CommandIo } from './command-io.ts';
import { defaultCliServices } from './default-cli-services.ts';

/**
 * Builds the `strata` program with every subcommand. Each subcommand lives in its own file under
 * `commands/` and receives the process streams through `io`, so tests run it in memory.
 */
export function buildProgram(
  io: CommandIo,
  services: CliServices = defaultCliServices(io),
): Command {
  const program = new Command('strata')
    .description('Container image ancestry and base-image attribution of findings.')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride();
  const commands = [
    processCommand(io),
    convertCommand(io),
    publishCommand(services),
    tailCommand(services),
    replayCommand(services),
    ancestorsCommand(services),
    descendantsCommand(services),
    compareCommand(services),
    indexCommand(services),
    workerCommand(services),
    demoCommand(services),
  ];
  for (const command of commands) {
    program.addCommand(command.copyInheritedSettings(program));
  }

  return program;
}
