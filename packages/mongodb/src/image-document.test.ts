import { makeImageRecord } from '@strata/contract-tests';
import { describe, expect, it } from 'vitest';
import { fromImageDocument, toImageDocument } from './image-document.ts';

describe('toImageDocument', () => {
  it('keeps dotted and dollar keys out of field names', () => {
    const record = makeImageRecord();
    record.image.annotations = { 'org.opencontainers.image.base.name': 'x', $weird: 'y' };

    const document = toImageDocument(record);

    expect(document.image.annotations).toEqual([
      { key: 'org.opencontainers.image.base.name', value: 'x' },
      { key: '$weird', value: 'y' },
    ]);
    expect(typeof document.vulnerabilitiesJson).toBe('string');
  });

  it('stores a sortable analysis time beside the original text', () => {
    const record = makeImageRecord({ analyzedAt: '2026-01-31T13:00:00+01:00' });

    const document = toImageDocument(record);

    expect(document.analyzedAt).toBe('2026-01-31T12:00:00.000000000Z');
    expect(document.analyzedAtText).toBe('2026-01-31T13:00:00+01:00');
  });

  it('round-trips through fromImageDocument', () => {
    const record = makeImageRecord();
    record.archive = { key: 'a', sha256: 'b' };
    record.hasVulnerabilityScan = false;

    expect(fromImageDocument(toImageDocument(record))).toEqual(record);
  });
});
