import { StrataError } from '@strata/core';

/**
 * Exit codes of the subcommands around the workers, listed in docs/cli.md. `process` keeps its
 * own code 2 for rejected lines (see `EXIT_CODES`).
 */
export const EXIT_STATUS = {
  ok: 0,
  /** The command failed: invalid input as a whole, or an unexpected error. */
  failure: 1,
  /** Invalid options or arguments. */
  usage: 2,
  /** Some inputs were rejected; the others were processed. */
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
