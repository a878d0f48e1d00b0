import { describe, expect, it } from 'vitest';

import { StrataError } from '../errors.ts';
import { cloudEventHeaders, readCloudEventHeaders } from './cloud-events.ts';

const attributes = {
  id: 'id-1',
  type: 'dev.strata.image.ancestry.v1',
  source: '/strata/ancestry-worker',
  time: '2026-01-31T12:00:00.000Z',
};

describe('cloudEventHeaders', () => {
  it('writes the binary-mode headers', () => {
    expect(cloudEventHeaders(attributes)).toEqual({
      ce_id: 'id-1',
      ce_type: 'dev.strata.image.ancestry.v1',
      ce_source: '/strata/ancestry-worker',
      ce_specversion: '1.0',
      ce_time: '2026-01-31T12:00:00.000Z',
      'content-type': 'application/json',
    });
  });

  it('reads back what it wrote', () => {
    expect(readCloudEventHeaders(cloudEventHeaders(attributes))).toEqual(attributes);
  });

  it('rejects a missing id and another spec version', () => {
    const headers = cloudEventHeaders(attributes);

    expect(() => readCloudEventHeaders({ ...headers, ce_id: undefined })).toThrow(StrataError);
    expect(() => readCloudEventHeaders({ ...headers, ce_specversion: '0.3' })).toThrow(/1\.0/);
  });
});
