import { StrataError } from '../errors.ts';

const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Converts an ISO 8601 date-time with any offset into a fixed-width UTC text,
 * `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`, so that comparing two keys as strings compares the instants.
 * Fraction digits after the ninth are dropped, because the event schema accepts any number of
 * them. Throws INVALID_EVENT for any other text.
 */
export function analysisTimeKey(isoDateTime: string): string {
  const match = ISO_DATE_TIME.exec(isoDateTime);
  const seconds = match ? Date.parse(`${match[1]}${match[3]}`) : Number.NaN;
  if (!match || Number.isNaN(seconds)) {
    throw new StrataError('INVALID_EVENT', `invalid analyzedAt "${isoDateTime}": not ISO 8601`, {
      details: { field: 'analyzedAt', value: isoDateTime },
    });
  }

  const utc = new Date(seconds).toISOString().slice(0, 19);
  const fraction = (match[2] ?? '').slice(0, 9).padEnd(9, '0');
  return `${utc}.${fraction}Z`;
}

/** Compares two ISO 8601 analysis times by instant: negative, zero or positive. */
export function compareAnalysisTimes(left: string, right: string): number {
  const leftKey = analysisTimeKey(left);
  const rightKey = analysisTimeKey(right);
  if (leftKey === rightKey) {
    return 0;
  }

  return leftKey < rightKey ? -1 : 1;
}
