import { StrataError } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { decodeAnalyzedEvent } from './decode-analyzed-event.ts';
import { analyzedEvent, analyzedMessage, digestOf } from './test-support.ts';

function codeOf(value: Buffer | null, key: string | null = null, headers = {}): string {
  try {
    decodeAnalyzedEvent({ key, value, headers });
  } catch (error) {
    return error instanceof StrataError ? error.code : 'not a StrataError';
  }

  return 'accepted';
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('decodeAnalyzedEvent', () => {
  it('returns a valid event', () => {
    const event = analyzedEvent('python', 2);

    expect(decodeAnalyzedEvent(analyzedMessage(event)).image.digest).toBe(event.image.digest);
  });

  it.each([
    ['empty value', Buffer.alloc(0)],
    ['null value', null],
    ['invalid UTF-8', Buffer.from([0xc3, 0x28])],
    ['truncated JSON', Buffer.from('{"schemaVersion":1,')],
    ['a JSON array', json([analyzedEvent('a', 1)])],
    ['a JSON string', json('image')],
  ])('rejects %s as INVALID_EVENT', (_case, value) => {
    expect(codeOf(value)).toBe('INVALID_EVENT');
  });

  it('rejects another schema version', () => {
    expect(codeOf(json({ ...analyzedEvent('a', 1), schemaVersion: 2 }))).toBe(
      'UNSUPPORTED_SCHEMA_VERSION',
    );
  });

  it('rejects a key that differs from the digest', () => {
    const event = analyzedEvent('a', 1);

    expect(codeOf(json(event), digestOf('other'))).toBe('INVALID_EVENT');
    expect(codeOf(json(event), null)).toBe('accepted');
  });

  it('rejects a foreign ce_type', () => {
    const event = analyzedEvent('a', 1);

    expect(codeOf(json(event), null, { ce_type: 'com.example.other' })).toBe('INVALID_EVENT');
    expect(codeOf(json(event), null, { ce_type: 'dev.strata.image.analyzed.v1' })).toBe('accepted');
  });

  it('names the field and value', () => {
    const event = analyzedEvent('a', 1);
    const bad = { ...event, image: { ...event.image, digest: '../../etc/passwd' } };

    expect(() => decodeAnalyzedEvent({ key: null, value: json(bad), headers: {} })).toThrow(
      /image\.digest.*etc\/passwd/,
    );
  });
});
