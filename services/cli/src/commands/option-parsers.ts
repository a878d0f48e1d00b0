import { describeValue, EVENT_TYPES, isDigest, type Digest } from '@strata/core';
import { InvalidArgumentError } from 'commander';

import { usageError } from '../run-command.ts';

/** Parses `true`/`false` (also `1`/`0`, `yes`/`no`) for options such as `--tls-verify=false`. */
export function parseFlagBoolean(value: string): boolean {
  const normalized = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(normalized)) return true;
  if (['false', '0', 'no'].includes(normalized)) return false;

  throw new InvalidArgumentError('expected true or false');
}

/** Parses a non-negative integer, such as a byte count. */
export function parseCount(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0) {
    throw new InvalidArgumentError('expected a non-negative integer');
  }

  return parsed;
}

/** Parses an ISO 8601 time and returns milliseconds since the epoch. */
export function parseTime(value: string): number {
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) throw new InvalidArgumentError('expected an ISO 8601 time');

  return parsed;
}

/**
 * Parses a digest given in `option`, such as `--digest` or `--image[0]`. Raises
 * `INVALID_CONFIG`, a usage error, when it is not `sha256:` and 64 lowercase hex digits.
 */
export function parseDigestOption(value: string, option: string): Digest {
  if (isDigest(value)) return value;

  throw usageError(
    `${option}: invalid digest ${describeValue(value)}, expected sha256: and 64 lowercase hex digits`,
  );
}

/** Returns the `image.analyzed` topic: `ANALYZED_TOPIC` when set, as for the ingestion worker. */
export function topicFromEnv(env: Readonly<Record<string, string | undefined>>): string {
  return env.ANALYZED_TOPIC ?? EVENT_TYPES.analyzed.topic;
}

/** Collects the values of a repeatable option, such as `--tag a --tag b`, in order. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
