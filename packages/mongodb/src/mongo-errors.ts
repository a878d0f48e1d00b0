import { StrataError } from '@strata/core';
import { MongoError, MongoNetworkError, MongoServerSelectionError } from 'mongodb';
import type { MongoClient } from 'mongodb';

/** Server error codes that mean "try again later": elections, shutdowns, timeouts. */
const RETRYABLE_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  50, // MaxTimeMSExpired
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/** Duplicate key: an insert found a document with the same `_id`. */
export const DUPLICATE_KEY = 11000;

export function isDuplicateKeyError(error: unknown): boolean {
  return error instanceof MongoError && error.code === DUPLICATE_KEY;
}

/** Tells whether a driver error means the server is unreachable, busy or changing primary. */
export function isUnavailableError(error: unknown): boolean {
  if (error instanceof MongoNetworkError || error instanceof MongoServerSelectionError) {
    return true;
  }

  if (!(error instanceof MongoError)) {
    return false;
  }

  const code = typeof error.code === 'number' ? error.code : Number.NaN;
  return (
    RETRYABLE_CODES.has(code) ||
    error.hasErrorLabel('RetryableWriteError') ||
    error.hasErrorLabel('ResetPool') ||
    error.name === 'MongoNotConnectedError' ||
    error.name === 'MongoTopologyClosedError'
  );
}

/** Lists the hosts a client connects to, without credentials. */
export function describeHosts(client: MongoClient): string {
  return client.options.hosts.map((host) => host.toString()).join(',');
}

/**
 * Wraps a driver error into a StrataError: SERVICE_UNAVAILABLE (retryable) when the server is
 * unreachable or busy, INTERNAL otherwise. StrataErrors pass through unchanged.
 */
export function toStrataError(
  error: unknown,
  operation: string,
  client: MongoClient,
  details: Record<string, unknown> = {},
): StrataError {
  if (error instanceof StrataError) {
    return error;
  }

  const reason = error instanceof Error ? error.message : String(error);
  const hosts = describeHosts(client);
  if (isUnavailableError(error)) {
    const message = `MongoDB at ${hosts} is unavailable during ${operation}: ${reason}; check that it runs and that MONGODB_URI points at it`;
    return new StrataError('SERVICE_UNAVAILABLE', message, {
      retryable: true,
      cause: error,
      details: { ...details, operation, hosts },
    });
  }

  return new StrataError('INTERNAL', `MongoDB ${operation} failed at ${hosts}: ${reason}`, {
    cause: error,
    details: { ...details, operation, hosts },
  });
}
