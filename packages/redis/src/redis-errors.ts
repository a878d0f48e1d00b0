import { StrataError } from '@strata/core';

/** Reply prefixes and client errors that mean "try again later". */
const UNAVAILABLE_PATTERNS = [
  /^LOADING\b/,
  /^BUSY\b/,
  /^TRYAGAIN\b/,
  /^CLUSTERDOWN\b/,
  /^MASTERDOWN\b/,
  /^READONLY\b/,
  /^MOVED\b/,
  /^ASK\b/,
  /Connection is closed/i,
  /connect ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENOTFOUND/,
  /Failed to refresh slots cache/i,
  /None of startup nodes is available/i,
  /Stream isn't writeable/i,
  /Command timed out/i,
];

const UNAVAILABLE_NAMES = new Set([
  'MaxRetriesPerRequestError',
  'ClusterAllFailedError',
  'CommandTimeoutDuringMaintenanceError',
  'SocketTimeoutDuringMaintenanceError',
]);

export function isUnavailableError(error: unknown): boolean {
  if (!(error instanceof Error)) {
    return false;
  }

  const code = (error as Error & { code?: unknown }).code;
  if (
    typeof code === 'string' &&
    /^E(CONNREFUSED|CONNRESET|TIMEDOUT|PIPE|HOSTUNREACH)$/.test(code)
  ) {
    return true;
  }

  return (
    UNAVAILABLE_NAMES.has(error.name) ||
    UNAVAILABLE_PATTERNS.some((pattern) => pattern.test(error.message))
  );
}

/**
 * Wraps an ioredis error into a StrataError: SERVICE_UNAVAILABLE (retryable) when Redis is
 * unreachable, loading, failing over or resharding, INTERNAL otherwise.
 */
export function toStrataError(
  error: unknown,
  operation: string,
  address: string,
  details: Record<string, unknown> = {},
): StrataError {
  if (error instanceof StrataError) {
    return error;
  }

  const reason = error instanceof Error ? error.message : String(error);
  if (isUnavailableError(error)) {
    const message = `Redis at ${address} is unavailable during ${operation}: ${reason}; check that it runs and that REDIS_URL points at it`;
    return new StrataError('SERVICE_UNAVAILABLE', message, {
      retryable: true,
      cause: error,
      details: { ...details, operation, address },
    });
  }

  return new StrataError('INTERNAL', `Redis ${operation} failed at ${address}: ${reason}`, {
    cause: error,
    details: { ...details, operation, address },
  });
}
