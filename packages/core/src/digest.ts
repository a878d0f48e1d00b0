import { StrataError } from './errors.ts';
import type { Digest } from './model/image.ts';

const DIGEST_PATTERN = /^(?:sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/;

/** Tells whether a value is a digest Strata accepts: `sha256:` + 64 or `sha512:` + 128 lowercase hex. */
export function isDigest(value: unknown): value is Digest {
  return typeof value === 'string' && DIGEST_PATTERN.test(value);
}

/**
 * Returns the value as a digest, or raises `INVALID_EVENT` naming the field and the value.
 * Upper-case hex, other algorithms and surrounding spaces are rejected, not normalized.
 */
export function parseDigest(value: unknown, field = 'digest'): Digest {
  if (isDigest(value)) {
    return value;
  }

  throw new StrataError('INVALID_EVENT', `${field}: invalid digest ${describeValue(value)}`, {
    details: { field, value: describeValue(value) },
  });
}

/**
 * Serializes a value as JSON. An array or object nested deeper than JSON.stringify's recursion
 * can go, which a small JSON input can be, is named by its kind instead.
 */
function printValue(value: unknown): string {
  try {
    return String(JSON.stringify(value));
  } catch (error) {
    if (!(error instanceof RangeError)) {
      throw error;
    }

    const kind = Array.isArray(value) ? 'an array' : 'an object';

    return `${kind} nested too deeply to print`;
  }
}

/** Returns a short printable form of an untrusted value for error messages. */
export function describeValue(value: unknown, maxLength = 80): string {
  const text = printValue(value);
  if (text.length <= maxLength) {
    return text;
  }

  return `${text.slice(0, maxLength)}… (${text.length} characters)`;
}
