import { StrataError } from '@strata/core';
import type { ChainKind, Digest } from '@strata/core';

const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;
/** Bytes of a raw SHA-256 digest. */
export const DIGEST_BYTES = 32;

/**
 * Location of one chain: hash key `<prefix>{<kind>:<first N hex digits>}` and hash field = the
 * remaining digits as raw bytes. The braces make the key its own Redis Cluster hash tag.
 */
export interface ChainLocation {
  key: string;
  field: Buffer;
}

/**
 * The key layout of a chain index. `bucketHexDigits` (even, 2 to 8) sets the bucket count per
 * chain kind to 16^N: 4 gives 65,536 buckets, about 15 chains per bucket at a million images.
 */
export class ChainIndexLayout {
  readonly prefix: string;
  readonly bucketHexDigits: number;

  constructor(prefix: string, bucketHexDigits: number) {
    if (/[{}*?[\]\\]/.test(prefix)) {
      throw new StrataError('INVALID_CONFIG', `invalid Redis key prefix "${prefix}"`, {
        details: { field: 'prefix', value: prefix, reason: 'contains {, }, *, ?, [, ] or \\' },
      });
    }
    const evenDigits = Number.isInteger(bucketHexDigits) && bucketHexDigits % 2 === 0;
    if (!evenDigits || bucketHexDigits < 2 || bucketHexDigits > 8) {
      throw new StrataError('INVALID_CONFIG', `invalid bucketHexDigits ${bucketHexDigits}`, {
        details: { field: 'bucketHexDigits', value: bucketHexDigits, expected: '2, 4, 6 or 8' },
      });
    }

    this.prefix = prefix;
    this.bucketHexDigits = bucketHexDigits;
  }

  /** Counter of indexed (chain, image) pairs. */
  get sizeKey(): string {
    return `${this.prefix}{meta}:pairs`;
  }

  /** Hash written when a rebuild completes, with the layout it used. */
  get builtKey(): string {
    return `${this.prefix}{meta}:built`;
  }

  /** Glob that matches every key of this index. */
  get keyPattern(): string {
    return `${this.prefix}*`;
  }

  locate(kind: ChainKind, chainId: Digest): ChainLocation {
    const hex = digestHex(chainId, 'chainId');
    const bucket = hex.slice(0, this.bucketHexDigits);

    return {
      key: `${this.prefix}{${kind === 'diffId' ? 'd' : 'b'}:${bucket}}`,
      field: Buffer.from(hex.slice(this.bucketHexDigits), 'hex'),
    };
  }
}

/** Encodes an image digest as its 32 raw bytes. */
export function encodeDigest(digest: Digest): Buffer {
  return Buffer.from(digestHex(digest, 'imageDigest'), 'hex');
}

/** Splits a hash value into the image digests it contains, in stored (ascending) order. */
export function decodeDigests(value: Buffer | null): Digest[] {
  const digests: Digest[] = [];
  if (value === null) {
    return digests;
  }

  for (let start = 0; start + DIGEST_BYTES <= value.length; start += DIGEST_BYTES) {
    digests.push(`sha256:${value.subarray(start, start + DIGEST_BYTES).toString('hex')}`);
  }

  return digests;
}

function digestHex(digest: Digest, field: string): string {
  if (!SHA256_DIGEST.test(digest)) {
    throw new StrataError('INVALID_EVENT', `invalid ${field} "${digest}" for the chain index`, {
      details: { field, value: digest, expected: 'sha256: and 64 lowercase hex digits' },
    });
  }

  return digest.slice('sha256:'.length);
}
