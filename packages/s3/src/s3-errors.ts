import { StrataError } from '@strata/core';

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

const NOT_FOUND_NAMES = new Set(['NoSuchKey', 'NotFound']);
const UNAVAILABLE_NAMES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'InternalError',
  'ServiceUnavailable',
  'RequestLimitExceeded',
]);
const NETWORK_CODES =
  /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN)$/;

function shapeOf(error: unknown): SdkErrorShape {
  return typeof error === 'object' && error !== null ? error : {};
}

function statusOf(error: unknown): number | null {
  const status = shapeOf(error).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : null;
}

/** Tells whether an SDK error means that the object or, for HeadBucket, the bucket is missing. */
export function isNotFoundError(error: unknown): boolean {
  const name = shapeOf(error).name;
  if (name === 'NoSuchBucket') {
    return false;
  }

  return (typeof name === 'string' && NOT_FOUND_NAMES.has(name)) || statusOf(error) === 404;
}

/** Tells whether an SDK error is a network failure, a timeout, a 5xx or throttling. */
export function isUnavailableError(error: unknown): boolean {
  const { name, code, $retryable } = shapeOf(error);
  const status = statusOf(error);

  return (
    $retryable !== undefined ||
    (typeof name === 'string' && UNAVAILABLE_NAMES.has(name)) ||
    (typeof code === 'string' && NETWORK_CODES.test(code)) ||
    (status !== null && (status >= 500 || status === 429))
  );
}

/**
 * Wraps an SDK error into a StrataError: SERVICE_UNAVAILABLE (retryable) for network failures,
 * timeouts, 5xx and throttling; NOT_FOUND for a missing bucket; INTERNAL otherwise.
 */
export function toStrataError(
  error: unknown,
  operation: string,
  endpoint: string,
  details: Record<string, unknown>,
): StrataError {
  if (error instanceof StrataError) {
    return error;
  }

  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const allDetails = { ...details, operation, endpoint, httpStatus: statusOf(error) };
  if (shapeOf(error).name === 'NoSuchBucket') {
    const message = `S3 bucket ${String(details.bucket)} does not exist at ${endpoint}; create it (ensureBucket) or set the bucket name`;
    return new StrataError('NOT_FOUND', message, { cause: error, details: allDetails });
  }
  if (isUnavailableError(error)) {
    const message = `S3 at ${endpoint} is unavailable during ${operation}: ${reason}; check that it runs and that S3_ENDPOINT points at it`;
    return new StrataError('SERVICE_UNAVAILABLE', message, {
      retryable: true,
      cause: error,
      details: allDetails,
    });
  }

  return new StrataError('INTERNAL', `S3 ${operation} failed at ${endpoint}: ${reason}`, {
    cause: error,
    details: allDetails,
  });
}
