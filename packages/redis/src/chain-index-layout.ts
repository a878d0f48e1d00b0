import { StrataError } from '@strata/core';
import type { ChainKind, Digest, IndexedChain } from '@strata/core';

/** Bytes of a raw SHA-256 digest. */
export const DIGEST_BYTES = 32;

const DIGEST_PREFIX = 'sha256:';
/** Value of each lowercase hex digit by character code, and -1 for every other code below 128. */
const HEX_DIGIT_VALUES = Int8Array.from({ length: 128 }, (_, code) =>
  '0123456789abcdef'.indexOf(String.fromCharCode(code)),
);

/** Default bytes of the chain-ID fingerprint stored as the hash field. */
export const DEFAULT_FINGERPRINT_BYTES = 6;

/**
 * Location of one chain: hash key `<prefix>{<kind>:<first N hex digits>}` and hash field = the
 * fingerprint, the next bytes of the chain ID. The braces make the key its own Redis Cluster hash
 * tag.
 */
export interface ChainLocation {
  key: string;
  field: Buffer;
}

/** Locations of several chains: the hash keys in order, and their fingerprints concatenated. */
export interface ChainLocations {
  keys: string[];
  /** `fingerprintBytes` bytes per key, in key order. */
  fields: Buffer;
}

/**
 * The key layout of a chain index. `bucketHexDigits` (even, 2 to 8) sets the bucket count per
 * chain kind to 16^N: 4 gives 65,536 buckets, about 15 chains per bucket at a million images.
 * `fingerprintBytes` (1 up to the bytes left after the bucket digits) sets the length of the hash
 * field. Chain IDs that agree on the bucket digits and the fingerprint share one field, so a
 * lookup may return images of another chain. Callers check each candidate against its record.
 */
export class ChainIndexLayout {
  readonly prefix: string;
  readonly bucketHexDigits: number;
  readonly fingerprintBytes: number;

  constructor(
    prefix: string,
    bucketHexDigits: number,
    fingerprintBytes: number = DEFAULT_FINGERPRINT_BYTES,
  ) {
    checkPrefix(prefix);
    checkBucketHexDigits(bucketHexDigits);
    checkFingerprintBytes(fingerprintBytes, DIGEST_BYTES - bucketHexDigits / 2);

    this.prefix = prefix;
    this.bucketHexDigits = bucketHexDigits;
    this.fingerprintBytes = fingerprintBytes;
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
    const field = Buffer.allocUnsafe(this.fingerprintBytes);
    this.#decodeFingerprint(hex, field, 0);

    return { key: this.#key(kind, hex), field };
  }

  /** Locates every chain, decoding all fingerprints into one buffer. */
  locateAll(chains: readonly IndexedChain[]): ChainLocations {
    const keys: string[] = [];
    const fields = Buffer.allocUnsafe(chains.length * this.fingerprintBytes);
    for (const chain of chains) {
      const hex = digestHex(chain.chainId, 'chainId');
      this.#decodeFingerprint(hex, fields, keys.length * this.fingerprintBytes);
      keys.push(this.#key(chain.kind, hex));
    }

    return { keys, fields };
  }

  /**
   * Writes the fingerprint bytes of a validated chain ID's hex digits into `target` at `offset`.
   * Decoding in JavaScript avoids one native `Buffer.write` call per chain.
   */
  #decodeFingerprint(hex: string, target: Buffer, offset: number): void {
    let digit = this.bucketHexDigits;
    for (let index = offset; index < offset + this.fingerprintBytes; index += 1) {
      const high = HEX_DIGIT_VALUES[hex.charCodeAt(digit)] ?? 0;
      const low = HEX_DIGIT_VALUES[hex.charCodeAt(digit + 1)] ?? 0;
      target[index] = (high << 4) | low;
      digit += 2;
    }
  }

  #key(kind: ChainKind, hex: string): string {
    const bucket = hex.slice(0, this.bucketHexDigits);

    return `${this.prefix}{${kind === 'diffId' ? 'd' : 'b'}:${bucket}}`;
  }
}

function checkPrefix(prefix: string): void {
  if (/[{}*?[\]\\]/.test(prefix)) {
    throw new StrataError('INVALID_CONFIG', `invalid Redis key prefix "${prefix}"`, {
      details: { field: 'prefix', value: prefix, reason: 'contains {, }, *, ?, [, ] or \\' },
    });
  }
}

function checkBucketHexDigits(digits: number): void {
  const even = Number.isInteger(digits) && digits % 2 === 0;
  if (!even || digits < 2 || digits > 8) {
    throw new StrataError('INVALID_CONFIG', `invalid bucketHexDigits ${digits}`, {
      details: { field: 'bucketHexDigits', value: digits, expected: '2, 4, 6 or 8' },
    });
  }
}

function checkFingerprintBytes(bytes: number, maxBytes: number): void {
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > maxBytes) {
    throw new StrataError('INVALID_CONFIG', `invalid fingerprintBytes ${bytes}`, {
      details: {
        field: 'fingerprintBytes',
        value: bytes,
        expected: `an integer from 1 to ${maxBytes}, the bytes after the bucket digits`,
      },
    });
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
    digests.push(`${DIGEST_PREFIX}${value.toString('hex', start, start + DIGEST_BYTES)}`);
  }

  return digests;
}

function digestHex(digest: Digest, field: string): string {
  if (!isSha256Digest(digest)) {
    throw new StrataError('INVALID_EVENT', `invalid ${field} "${digest}" for the chain index`, {
      details: { field, value: digest, expected: 'sha256: and 64 lowercase hex digits' },
    });
  }

  return digest.slice(DIGEST_PREFIX.length);
}

/**
 * Returns whether `digest` is `sha256:` and 64 lowercase hex digits. Every lookup checks about 38
 * chain IDs. This loop took about 200 ns per digest against 300 ns for the equivalent regular
 * expression in a micro-benchmark (Node 24, 2-core AMD EPYC virtual machine).
 */
function isSha256Digest(digest: string): boolean {
  const length = DIGEST_PREFIX.length + 2 * DIGEST_BYTES;
  if (digest.length !== length || !digest.startsWith(DIGEST_PREFIX)) {
    return false;
  }

  for (let index = DIGEST_PREFIX.length; index < length; index += 1) {
    if ((HEX_DIGIT_VALUES[digest.charCodeAt(index)] ?? -1) < 0) {
      return false;
    }
  }

  return true;
}
