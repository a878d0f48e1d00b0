import type { Logger } from '@strata/runtime';

import type { CommandIo } from './command-io.ts';
import type { PortSet } from './ports/port-set.ts';

/** Environment variables by name, as in `process.env`. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Dependencies of the subcommands around the workers besides the streams: the environment, the
 * clock, a way to connect the services, and process-level hooks. Tests inject them to run the
 * commands against services they choose.
 */
export interface CliServices {
  io: CommandIo;
  env: Environment;
  /** Milliseconds since the epoch. */
  clock: () => number;
  /** Connects the ports the environment configures; the command closes them. */
  connect: (env: Environment, logger: Logger) => PortSet;
  /** True when stderr is a terminal, for progress bars. */
  stderrIsTty: boolean;
  /** Registers a SIGINT handler and returns its removal. */
  onInterrupt: (handler: () => void) => () => void;
}
