import { CommanderError } from 'commander';

import type { CliServices } from './cli-services.ts';
import type { CommandIo } from './command-io.ts';
import { EXIT_STATUS, exitStatusOf } from './exit-status.ts';
import { buildProgram } from './program.ts';
import { describeError } from './run-command.ts';

/**
 * Runs `strata` on `argv` (as in `process.argv`) and sets the exit code of `EXIT_STATUS`. A
 * commander error (unknown option, missing argument, invalid choice) exits with `usage`, after
 * commander has written its message; `--help` and `--version` exit with `ok`. Any other error
 * that escapes a subcommand becomes a `strata: message` line on stderr and the exit code of its
 * error code.
 */
export async function runProgram(
  io: CommandIo,
  argv: readonly string[],
  services?: CliServices,
): Promise<void> {
  try {
    await buildProgram(io, services).parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      io.setExitCode(error.exitCode === 0 ? EXIT_STATUS.ok : EXIT_STATUS.usage);

      return;
    }

    io.stderr.write(`strata: ${describeError(error)}\n`);
    io.setExitCode(exitStatusOf(error));
  }
}
