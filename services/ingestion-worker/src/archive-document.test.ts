import { createHash } from 'node:crypto';
import { analyzedEventSchema, toImageRecord } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { archiveDocument } from './archive-document.ts';
import { analyzedEvent } from './test-support.ts';

const record = () => toImageRecord(analyzedEventSchema.parse(analyzedEvent('python', 3)));

describe('archiveDocument', () => {
  it('keys the document by image and content', () => {
    const archived = archiveDocument(record(), 'archive/');
    const hex = record().image.digest.slice('sha256:'.length);

    expect(archived.key).toBe(`archive/sha256/${hex}/${archived.sha256}.json`);
    expect(createHash('sha256').update(archived.body).digest('hex')).toBe(archived.sha256);
  });

  it('gives equal records equal keys', () => {
    const first = record();
    const reordered = JSON.parse(JSON.stringify({ ...first, markedBase: true })) as typeof first;

    expect(archiveDocument(reordered, 'a/').key).toBe(archiveDocument(first, 'a/').key);
  });

  it('stores a valid image.analyzed event', () => {
    const body = JSON.parse(archiveDocument(record(), 'a/').body.toString()) as unknown;
    const event = analyzedEventSchema.parse(body);

    expect(event.vulnerabilities).toHaveLength(1);
    expect(event.policyFindings).toEqual([]);
  });

  it('leaves out an absent policy evaluation', () => {
    const withoutPolicy = { ...record(), hasPolicyEvaluation: false, policyFindings: [] };
    const body = JSON.parse(archiveDocument(withoutPolicy, 'a/').body.toString()) as object;

    expect(body).not.toHaveProperty('policyFindings');
  });
});
