import { createHash } from 'node:crypto';

import { StrataError, type Digest } from '@strata/core';

/** Returns the `sha256:` digest of bytes. */
export function sha256Digest(bytes: Uint8Array): Digest {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * Checks that bytes have the expected digest (sha256 or sha512) and raises `INVALID_REPORT`
 * naming what was read and both digests when they differ.
 */
export function verifyDigest(bytes: Uint8Array, expected: Digest, what: string): void {
  const [algorithm = '', hex = ''] = expected.split(':');
  const actual = createHash(algorithm).update(bytes).digest('hex');
  if (actual !== hex) {
    throw new StrataError(
      'INVALID_REPORT',
      `${what}: content has digest ${algorithm}:${actual}, expected ${expected}`,
      { details: { expected, actual: `${algorithm}:${actual}` } },
    );
  }
}
