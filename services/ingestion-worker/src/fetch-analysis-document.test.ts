import { createHash } from 'node:crypto';
import { InMemoryObjectStore } from '@strata/memory';
import { describe, expect, it } from 'vitest';
import { fetchAnalysisDocument, parseS3Uri } from './fetch-analysis-document.ts';
import { digestOf } from './test-support.ts';

const sha256 = (body: string) => createHash('sha256').update(body).digest('hex');

async function fetchWith(
  body: string | null,
  reference: { uri: string; sha256: string },
  maxBytes = 1 << 20,
) {
  const objects = new InMemoryObjectStore();
  if (body !== null) {
    await objects.put('docs/a.json', Buffer.from(body), 'application/json');
  }

  return fetchAnalysisDocument(reference, {
    objects,
    bucket: 'strata',
    maxBytes,
    imageDigest: digestOf('a'),
  });
}

const document = JSON.stringify({ vulnerabilities: [], policyFindings: [] });

describe('fetchAnalysisDocument', () => {
  it('returns the findings of a matching document', async () => {
    const findings = await fetchWith(document, {
      uri: 's3://strata/docs/a.json',
      sha256: sha256(document),
    });

    expect(findings).toEqual({ vulnerabilities: [], policyFindings: [] });
  });

  it.each([
    ['a missing document', null, 's3://strata/docs/a.json', 'ANALYSIS_DOCUMENT_MISSING'],
    ['a changed document', `${document} `, 's3://strata/docs/a.json', 'ANALYSIS_DOCUMENT_MISMATCH'],
    ['another bucket', document, 's3://elsewhere/docs/a.json', 'INVALID_EVENT'],
    ['an http URI', document, 'https://strata/docs/a.json', 'INVALID_EVENT'],
  ])('rejects %s', async (_case, body, uri, code) => {
    await expect(fetchWith(body, { uri, sha256: sha256(document) })).rejects.toMatchObject({
      code,
    });
  });

  it('rejects a document over the limit', async () => {
    const reference = { uri: 's3://strata/docs/a.json', sha256: sha256(document) };

    await expect(fetchWith(document, reference, 10)).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
    });
  });

  it('rejects a document that is not findings', async () => {
    const body = JSON.stringify({ vulnerabilities: 'none' });
    const reference = { uri: 's3://strata/docs/a.json', sha256: sha256(body) };

    await expect(fetchWith(body, reference)).rejects.toMatchObject({ code: 'INVALID_EVENT' });
  });
});

describe('parseS3Uri', () => {
  it('splits bucket and key', () => {
    expect(parseS3Uri('s3://b/k/with/slashes.json')).toEqual({
      bucket: 'b',
      key: 'k/with/slashes.json',
    });
  });
});
