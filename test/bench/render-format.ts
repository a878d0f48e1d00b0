import type { Spread } from './stats.ts';

/** Renders a Markdown table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;

  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Formats milliseconds with a unit that keeps three significant digits readable. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  if (value >= 1000) return `${Number((value / 1000).toPrecision(3))} s`;
  if (value >= 1) return `${Number(value.toPrecision(3))} ms`;

  return `${Number((value * 1000).toPrecision(3))} µs`;
}

/** Formats a count with thousands separators, rounded to an integer. */
export function count(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
}

/** Formats a rate: three significant digits below 100, else a count. */
export function rate(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';

  return value >= 100 ? count(value) : String(Number(value.toPrecision(3)));
}

export function ratio(value: number): string {
  return Number.isFinite(value) ? `${Number(value.toPrecision(3))} ×` : 'n/a';
}

export function mebibytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** Formats a spread as `median (min – max, n)`. */
export function spread(value: Spread, format: (value: number) => string): string {
  return `${format(value.median)} (${format(value.min)} – ${format(value.max)}, n ${value.n})`;
}
