import { describe, expect, it } from 'vitest';
import { isNotFoundError, isUnavailableError, toStrataError } from './s3-errors.ts';

function sdkError(name: string, status?: number, fields: Record<string, unknown> = {}): Error {
  const metadata = status === undefined ? {} : { $metadata: { httpStatusCode: status } };
  return Object.assign(new Error(`${name} happened`), { name, ...metadata, ...fields });
}

describe('isNotFoundError', () => {
  it('accepts a missing key but not a missing bucket', () => {
    expect(isNotFoundError(sdkError('NoSuchKey', 404))).toBe(true);
    expect(isNotFoundError(sdkError('NotFound', 404))).toBe(true);
    expect(isNotFoundError(sdkError('NoSuchBucket', 404))).toBe(false);
  });
});

describe('isUnavailableError', () => {
  it('accepts 5xx, throttling and network failures', () => {
    expect(isUnavailableError(sdkError('InternalError', 500))).toBe(true);
    expect(isUnavailableError(sdkError('SlowDown', 503))).toBe(true);
    expect(isUnavailableError(sdkError('TooManyRequests', 429))).toBe(true);
    expect(isUnavailableError(sdkError('Error', undefined, { code: 'ECONNREFUSED' }))).toBe(true);
  });

  it('rejects client errors', () => {
    expect(isUnavailableError(sdkError('AccessDenied', 403))).toBe(false);
    expect(isUnavailableError(sdkError('InvalidAccessKeyId', 403))).toBe(false);
  });
});

describe('toStrataError', () => {
  it('maps a missing bucket to NOT_FOUND', () => {
    const error = toStrataError(sdkError('NoSuchBucket', 404), 'get', 'http://s3', { bucket: 'b' });

    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('bucket b');
  });

  it('maps denied access to a non-retryable error', () => {
    const error = toStrataError(sdkError('AccessDenied', 403), 'put', 'http://s3', { key: 'k' });

    expect(error.code).toBe('INTERNAL');
    expect(error.retryable).toBe(false);
    expect(error.details).toMatchObject({ key: 'k', httpStatus: 403 });
  });
});
