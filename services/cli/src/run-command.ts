import { StrataError } from '@strata/core';
import { createLogger, type Logger } from '@strata/runtime';

import type { CliServices } from './cli-services.ts';
import { EXIT_STATUS, exitStatusOf } from './exit-status.ts';
import type { PortSet } from './ports/port-set.ts';

/** Context of a subcommand body: the services, a logger and the ports that connect on use. */
export interface CommandScope {
  services: CliServices;
  logger: Logger;
  ports: PortSet;
}

/**
 * Runs a subcommand body with ports that connect on first use, closes them afterwards, and turns
 * a failure into a `strata: message` line on stderr and the exit code of its error code. Logs go
 * to stderr at `LOG_LEVEL` (default `warn`), so stdout carries only the command's output.
 * The body returns its exit code.
 */
export async function runCommand(
  services: CliServices,
  body: (scope: CommandScope) => Promise<number>,
): Promise<void> {
  const logger = createLogger({
    service: 'strata-cli',
    level: services.env.LOG_LEVEL ?? 'warn',
    destination: { write: (text: string) => services.io.stderr.write(text) },
  });
  const ports = services.connect(services.env, logger);
  let status: number;
  try {
    status = await body({ services, logger, ports });
  } catch (error) {
    services.io.stderr.write(`strata: ${describeError(error)}\n`);
    status = exitStatusOf(error);
  }

  try {
    await ports.close();
  } catch (error) {
    logger.error({ err: error }, 'closing a connection failed');
  }

  services.io.setExitCode(status);
}

/** Formats an error for the `strata:` line: the message, and the cause's message when useful. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error instanceof StrataError || !(error.cause instanceof Error)) return error.message;

  return `${error.message}: ${error.cause.message}`;
}

/** Raises a usage error naming the option and what is expected. */
export function usageError(message: string): StrataError {
  return new StrataError('INVALID_CONFIG', message);
}

export { EXIT_STATUS };
