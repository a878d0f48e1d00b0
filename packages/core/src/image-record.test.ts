import { describe, expect, it } from 'vitest';

import { testDigest } from './ancestry/test-images.ts';
import { blobChains } from './chain-id.ts';
import type { AnalyzedEvent } from './events/analyzed-event.ts';
import { indexedChains, toImageRecord } from './image-record.ts';

const event: AnalyzedEvent = {
  schemaVersion: 1,
  analyzedAt: '2026-01-31T12:00:00Z',
  image: {
    digest: testDigest('image'),
    layers: [{ digest: testDigest('gz'), diffId: testDigest('tar') }],
    tags: ['b:1', 'a:1', 'b:1'],
  },
  policyFindings: [],
};

describe('toImageRecord', () => {
  it('computes chains and sorts unique tags', () => {
    const record = toImageRecord(event);

    expect(record.blobChains).toEqual(blobChains(event.image.layers));
    expect(record.diffIdChains).toEqual([testDigest('tar')]);
    expect(record.image.tags).toEqual(['a:1', 'b:1']);
    expect(record.markedBase).toBe(false);
  });

  it('tells a missing scan from an empty one', () => {
    const record = toImageRecord(event);

    expect(record.hasPolicyEvaluation).toBe(true);
    expect(record.hasVulnerabilityScan).toBe(false);
  });

  it('takes findings from an analysis document', () => {
    const vulnerabilities = [
      { id: 'CVE-1', severity: 'Low', package: { name: 'n', version: '1', type: 'deb' } },
    ];

    const record = toImageRecord(event, { vulnerabilities });

    expect(record.vulnerabilities).toEqual(vulnerabilities);
    expect(record.hasPolicyEvaluation).toBe(false);
  });
});

describe('indexedChains', () => {
  it('returns the full chain of each kind', () => {
    const record = toImageRecord(event);

    expect(indexedChains(record)).toEqual([
      { kind: 'blob', chainId: testDigest('gz') },
      { kind: 'diffId', chainId: testDigest('tar') },
    ]);
  });
});
