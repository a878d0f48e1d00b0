import type { CliServices } from './cli-services.ts';
import type { CommandIo } from './command-io.ts';
import { connectServices } from './ports/connect-services.ts';

/** The services of a real run: the process environment, the system clock and real adapters. */
export function defaultCliServices(io: CommandIo): CliServices {
  return {
    io,
    env: process.env,
    clock: Date.now,
    connect: connectServices,
    stderrIsTty: process.stderr.isTTY,
    onInterrupt: (handler) => {
      process.on('SIGINT', handler);

      return () => process.off('SIGINT', handler);
    },
  };
}
