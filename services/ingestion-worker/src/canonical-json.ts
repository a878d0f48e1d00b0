/**
 * Serializes a JSON value with object keys sorted at every level, so equal values always give
 * equal bytes and an equal content hash. Undefined object fields are left out, as in JSON.stringify.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
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
    .sort(([left], [right]) => compareCodeUnits(left, right));

  return Object.fromEntries(entries.map(([key, item]) => [key, sortKeys(item)]));
}

function compareCodeUnits(left: string, right: string): number {
  if (left === right) {
    return 0;
  }

  return left < right ? -1 : 1;
}
