import { createHash } from 'node:crypto';

/**
 * Serializes a JSON value with object keys sorted at every level, so equal values always give
 * equal text whatever order a store returned their fields in. Undefined fields are left out, as
 * in `JSON.stringify`.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** Returns the hex SHA-256 of the canonical JSON of a value: the hash of a result's content. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(sortKeys);
  }

  if (value === null || typeof value !== 'object') {
    return value;
  }

  const entries = Object.entries(value as Record<string, unknown>)
    .filter((entry) => entry[1] !== undefined)
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));

  return Object.fromEntries(entries.map(([key, item]) => [key, sortKeys(item)]));
}
