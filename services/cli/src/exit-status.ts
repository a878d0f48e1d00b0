import { StrataError } from '@strata/core';

/** Exit codes of every `strata` subcommand, listed in docs/cli.md. */
export const EXIT_STATUS = {
  ok: 0,
  /** The command failed: every input was rejected, or an unexpected error. */
  failure: 1,
  /** An unknown option, a missing argument, or an invalid option value or variable. */
  usage: 2,
  /** Some input lines or events were rejected or dead-lettered; the others were processed. */
  partial: 3,
  /** A service (Kafka, MongoDB, Redis, S3 or a registry) could not be reached. */
  unavailable: 4,
  /** The requested image or object is not stored. */
  notFound: 5,
  /** Stopped by SIGINT; `strata replay --resume` continues from the checkpoint. */
  interrupted: 130,
} as const;

/** Returns the exit code of an error that ended a command. */
export function exitStatusOf(error: unknown): number {
  if (!(error instanceof StrataError)) return EXIT_STATUS.failure;
  if (error.code === 'SERVICE_UNAVAILABLE') return EXIT_STATUS.unavailable;
  if (error.code === 'NOT_FOUND') return EXIT_STATUS.notFound;
  if (error.code === 'INVALID_CONFIG') return EXIT_STATUS.usage;

  return EXIT_STATUS.failure;
}

/**
 * Returns the exit code of a command that handles inputs one by one: `ok` when none was
 * rejected, `partial` when some were rejected and others processed, `failure` when none was
 * processed.
 */
export function inputsExitStatus(rejected: number, processed: number): number {
  if (rejected === 0) return EXIT_STATUS.ok;

  return processed > 0 ? EXIT_STATUS.partial : EXIT_STATUS.failure;
}
