/** Latency distribution of one series of timed operations, in milliseconds. */
export interface LatencySummary {
  n: number;
  p50Ms: number;
  p99Ms: number;
  minMs: number;
  maxMs: number;
  meanMs: number;
}

/** Spread of one figure over repeated runs. */
export interface Spread {
  n: number;
  min: number;
  median: number;
  max: number;
}

/** Returns the nearest-rank percentile (0 to 100) of sorted values, or NaN when empty. */
export function percentile(sorted: readonly number[], rank: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }

  const position = Math.ceil((rank / 100) * sorted.length) - 1;

  return sorted[Math.min(sorted.length - 1, Math.max(0, position))] ?? Number.NaN;
}

export function summarizeLatencies(durationsMs: readonly number[]): LatencySummary {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const total = sorted.reduce((sum, value) => sum + value, 0);

  return {
    n: sorted.length,
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    minMs: round(sorted[0] ?? Number.NaN),
    maxMs: round(sorted.at(-1) ?? Number.NaN),
    meanMs: round(total / sorted.length),
  };
}

export function spreadOf(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);

  return {
    n: sorted.length,
    min: round(sorted[0] ?? Number.NaN),
    median: round(percentile(sorted, 50)),
    max: round(sorted.at(-1) ?? Number.NaN),
  };
}

/** Rounds to four significant digits, enough for benchmark figures and short in JSON. */
export function round(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(4)) : value;
}

/** Milliseconds elapsed since `start`, a `process.hrtime.bigint()` reading. */
export function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}
