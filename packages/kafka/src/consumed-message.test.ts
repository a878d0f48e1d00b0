import type { IHeaders, KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';

import { toConsumedMessage } from './consumed-message.ts';

type HeaderPair = readonly [string, Buffer | null];

/**
 * Builds a headers object the way kafkajs 2.2.4 decodes a record
 * (`src/protocol/recordBatch/record/v0/decoder.js`): a plain object filled through
 * `obj[key] === undefined`, so a name that `Object.prototype` has, such as `constructor`,
 * starts as an array of the inherited member and the header value.
 */
function kafkajsHeaders(pairs: readonly HeaderPair[]): IHeaders {
  return pairs.reduce<Record<string, unknown>>((headers, [name, value]) => {
    const previous = headers[name];
    const next =
      previous === undefined
        ? value
        : Array.isArray(previous)
          ? previous.concat([value])
          : [previous, value];

    return { ...headers, [name]: next };
  }, {}) as IHeaders;
}

function record(pairs: readonly HeaderPair[], key: Buffer | null = null): KafkaMessage {
  return {
    key,
    value: Buffer.from('{}'),
    timestamp: '1767225600000',
    attributes: 0,
    offset: '42',
    headers: kafkajsHeaders(pairs),
  };
}

describe('toConsumedMessage', () => {
  it('decodes headers and keeps their bytes', () => {
    const message = toConsumedMessage('t', 1, record([['ce_id', Buffer.from('e-1')]]));

    expect(message.headers).toEqual({ ce_id: 'e-1' });
    expect(message.original?.headers).toEqual([['ce_id', Buffer.from('e-1')]]);
    expect(message.offset).toBe('42');
    expect(message.timestamp).toBe(1_767_225_600_000);
  });

  it('keeps headers named like Object.prototype members', () => {
    const names = ['constructor', 'toString', 'hasOwnProperty', '__proto__'];
    const pairs = names.map((name): HeaderPair => [name, Buffer.from(`${name}-value`)]);
    const message = toConsumedMessage('t', 0, record(pairs));

    for (const name of names) {
      expect(Object.hasOwn(message.headers, name)).toBe(true);
      expect(message.headers[name]).toBe(`${name}-value`);
    }
    expect(message.original?.headers).toEqual(pairs);
    expect(Object.getPrototypeOf(message.headers)).toBeNull();
  });

  it('keeps every value of a repeated prototype-named header', () => {
    const pairs: HeaderPair[] = [
      ['constructor', Buffer.from('first')],
      ['constructor', Buffer.from('second')],
    ];
    const message = toConsumedMessage('t', 0, record(pairs));

    expect(message.headers.constructor).toBe('second');
    expect(message.original?.headers).toEqual(pairs);
  });

  it('keeps a null header value', () => {
    const pairs: HeaderPair[] = [
      ['empty', null],
      ['ce_id', Buffer.from('e-1')],
    ];
    const message = toConsumedMessage('t', 0, record(pairs));

    expect(message.headers).toEqual({ ce_id: 'e-1' });
    expect(message.original?.headers).toEqual(pairs);
  });

  it('keeps the key bytes', () => {
    const key = Buffer.from([0xc3, 0x28]);
    const message = toConsumedMessage('t', 0, record([], key));

    expect(message.original?.key).toBe(key);
    expect(message.key).toBe(key.toString('utf8'));
  });
});
