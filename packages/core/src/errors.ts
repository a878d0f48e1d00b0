/**
 * Every failure Strata raises on purpose. Each code is listed with what an operator should do in
 * docs/errors.md.
 */
export const ERROR_CODES = [
  'INVALID_EVENT',
  'INVALID_REPORT',
  'INVALID_CONFIG',
  'UNSUPPORTED_SCHEMA_VERSION',
  'LIMIT_EXCEEDED',
  'ANALYSIS_DOCUMENT_MISSING',
  'ANALYSIS_DOCUMENT_MISMATCH',
  'SERVICE_UNAVAILABLE',
  'NOT_FOUND',
  'CONFLICT',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface StrataErrorOptions {
  /** True when repeating the same operation later can succeed (a service was unreachable). */
  retryable?: boolean;
  cause?: unknown;
  /** Identifiers involved, such as `imageDigest`, `topic` or `field`; logged with the error. */
  details?: Readonly<Record<string, unknown>>;
}

/** Base class of every error Strata raises on purpose. */
export class StrataError extends Error {
  override readonly name = 'StrataError';
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: StrataErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = options.details ?? {};
  }
}

/** Tells whether an error, Strata's or a client library's, is worth retrying. */
export function isRetryable(error: unknown): boolean {
  return error instanceof StrataError && error.retryable;
}
