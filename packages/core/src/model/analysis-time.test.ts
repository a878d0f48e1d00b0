import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { StrataError } from '../errors.ts';
import { analyzedEventSchema } from '../events/analyzed-event.ts';
import { analysisTimeKey, compareAnalysisTimes } from './analysis-time.ts';

describe('analysisTimeKey', () => {
  it('pads the fraction to nine digits in UTC', () => {
    expect(analysisTimeKey('2026-01-31T12:00:00Z')).toBe('2026-01-31T12:00:00.000000000Z');
    expect(analysisTimeKey('2026-01-31T12:00:00.5Z')).toBe('2026-01-31T12:00:00.500000000Z');
  });

  it('converts offsets to UTC', () => {
    expect(analysisTimeKey('2026-01-31T13:30:00.123+01:30')).toBe('2026-01-31T12:00:00.123000000Z');
  });

  it('keeps nine of a longer fraction', () => {
    expect(analysisTimeKey('2026-01-31T12:00:00.1234567891Z')).toBe(
      '2026-01-31T12:00:00.123456789Z',
    );
    expect(analysisTimeKey('2026-01-31T12:00:00.000000000999+00:00')).toBe(
      '2026-01-31T12:00:00.000000000Z',
    );
  });

  it('accepts every time the event schema accepts', () => {
    const times = fc.tuple(
      fc.date({ min: new Date('1970-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }),
      fc.stringMatching(/^(?:\.\d{1,15})?$/),
      fc.constantFrom('Z', '+00:00', '-05:30', '+14:00'),
    );
    fc.assert(
      fc.property(times, ([date, fraction, offset]) => {
        const text = `${date.toISOString().slice(0, 19)}${fraction}${offset}`;
        fc.pre(analyzedEventSchema.shape.analyzedAt.safeParse(text).success);

        expect(analysisTimeKey(text)).toMatch(/^\d{4}-\d{2}-\d{2}T[\d:]{8}\.\d{9}Z$/);
      }),
    );
  });

  it('rejects text that is not an ISO date-time', () => {
    expect(() => analysisTimeKey('yesterday')).toThrow(StrataError);
    expect(() => analysisTimeKey('2026-13-45T99:00:00Z')).toThrow(StrataError);
  });
});

describe('compareAnalysisTimes', () => {
  it('orders by instant across offsets and fraction widths', () => {
    expect(compareAnalysisTimes('2026-01-31T12:00:00.1Z', '2026-01-31T12:00:00.09Z')).toBe(1);
    expect(compareAnalysisTimes('2026-01-31T12:00:00Z', '2026-01-31T13:00:00+01:00')).toBe(0);
    expect(compareAnalysisTimes('2026-01-31T12:00:00Z', '2026-01-31T12:00:00.000000001Z')).toBe(-1);
  });
});
