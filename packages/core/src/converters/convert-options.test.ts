import { describe, expect, it } from 'vitest';

import { StrataError } from '../errors.ts';
import { analysisTime } from './convert-options.ts';

function timeError(reported: string | undefined, analyzedAt?: string): StrataError {
  try {
    analysisTime('Trivy', reported, analyzedAt === undefined ? {} : { analyzedAt });
  } catch (error) {
    if (error instanceof StrataError) return error;
  }

  throw new Error('expected a StrataError');
}

describe('analysisTime', () => {
  it('converts an offset time to UTC', () => {
    expect(analysisTime('Trivy', '2026-01-31T13:30:00.25+01:30', {})).toBe(
      '2026-01-31T12:00:00.250Z',
    );
  });

  it('prefers the option over the report', () => {
    expect(
      analysisTime('Trivy', '2020-01-01T00:00:00Z', { analyzedAt: '2026-01-31T12:00:00Z' }),
    ).toBe('2026-01-31T12:00:00.000Z');
  });

  it.each(['2026-01-31T12:00:00', '2026-01-31 12:00:00', 'Jan 5 2026', '2026', '2026-01-31'])(
    'rejects %s, which has no UTC offset',
    (time) => {
      const fromReport = timeError(time);
      const fromOption = timeError(undefined, time);

      expect(fromReport.code).toBe('INVALID_REPORT');
      expect(fromReport.message).toContain(JSON.stringify(time));
      expect(fromReport.details.field).toBe('analyzedAt');
      expect(fromOption.code).toBe('INVALID_REPORT');
      expect(fromOption.message).toContain('--analyzed-at');
    },
  );

  it('raises for a missing time', () => {
    expect(timeError(undefined).message).toContain('missing analysis time');
  });
});
