import { createHash } from 'node:crypto';

import type { ConsumedMessage, ObjectStore } from '@strata/core';
import { describe, expect, it } from 'vitest';
import {
  createDeadLetter,
  DEAD_LETTER_HEADERS,
  DEAD_LETTER_ORIGINAL_HEADERS,
  DEAD_LETTER_VALUE_HEADERS,
  deadLetterTopic,
  offloadLargeDeadLetter,
  readDeadLetter,
} from './dead-letter.ts';

const consumed: ConsumedMessage = {
  topic: 'image.analyzed',
  partition: 3,
  offset: '1207',
  timestamp: Date.UTC(2026, 0, 31, 12),
  key: 'sha256:abc',
  value: Buffer.from([0xff, 0xfe, 0x00, 0x7b]),
  headers: { ce_id: 'event-1', 'content-type': 'application/json' },
};

/** Returns `consumed` with one header, decoded and as the bytes a bus received. */
function withHeader(name: string, value: string): ConsumedMessage {
  return {
    ...consumed,
    headers: { [name]: value },
    original: { key: Buffer.from('sha256:abc'), headers: [[name, Buffer.from(value)]] },
  };
}

describe('createDeadLetter', () => {
  const reason = { code: 'INVALID_EVENT', message: 'not JSON' };

  it('keeps key, value bytes and headers', () => {
    const letter = createDeadLetter(
      consumed,
      { code: 'INVALID_EVENT', message: 'not JSON' },
      new Date(0),
    );

    expect(letter.key).toBe('sha256:abc');
    expect(letter.value?.equals(consumed.value as Buffer)).toBe(true);
    expect(letter.headers.ce_id).toBe('event-1');
    expect(letter.headers['content-type']).toBe('application/json');
  });

  it('round-trips through readDeadLetter', () => {
    const letter = createDeadLetter(
      consumed,
      { code: 'ANALYSIS_DOCUMENT_MISMATCH', message: 'sha256 differs' },
      new Date('2026-02-01T00:00:00Z'),
    );

    expect(readDeadLetter(letter)).toEqual({
      sourceTopic: 'image.analyzed',
      sourcePartition: 3,
      sourceOffset: '1207',
      reasonCode: 'ANALYSIS_DOCUMENT_MISMATCH',
      reasonMessage: 'sha256 differs',
      deadLetteredAt: '2026-02-01T00:00:00.000Z',
      originalHeaders: consumed.headers,
    });
  });

  it('adds no byte headers when key and headers decoded without loss', () => {
    const original = {
      key: Buffer.from('sha256:abc'),
      headers: [
        ['ce_id', Buffer.from('event-1')],
        ['content-type', Buffer.from('application/json')],
      ] as const,
    };
    const letter = createDeadLetter(
      { ...consumed, original },
      { code: 'INVALID_EVENT', message: 'not JSON' },
      new Date(0),
    );

    expect(Object.values(DEAD_LETTER_ORIGINAL_HEADERS).map((name) => letter.headers[name])).toEqual(
      [undefined, undefined],
    );
  });

  it('keeps non-UTF-8 key and repeated header bytes', () => {
    const key = Buffer.from([0x73, 0xc3, 0x28, 0xff]);
    const first = Buffer.from([0xfe, 0x01]);
    const second = Buffer.from('second');
    const message: ConsumedMessage = {
      ...consumed,
      key: key.toString('utf8'),
      headers: { trace: 'second' },
      original: {
        key,
        headers: [
          ['trace', first],
          ['trace', second],
        ],
      },
    };
    const letter = createDeadLetter(
      message,
      { code: 'INVALID_EVENT', message: 'not JSON' },
      new Date(0),
    );
    const info = readDeadLetter(letter);

    expect(info?.originalKeyBytes?.equals(key)).toBe(true);
    expect(info?.originalHeaderBytes?.map(([name]) => name)).toEqual(['trace', 'trace']);
    expect(info?.originalHeaderBytes?.[0]?.[1]?.equals(first)).toBe(true);
    expect(info?.originalHeaderBytes?.[1]?.[1]?.equals(second)).toBe(true);
    expect(info?.originalHeaders).toEqual({ trace: 'second' });
  });

  it('keeps a header without value as null bytes', () => {
    const message: ConsumedMessage = {
      ...consumed,
      headers: { ce_id: 'event-1' },
      original: {
        key: Buffer.from('sha256:abc'),
        headers: [
          ['ce_id', Buffer.from('event-1')],
          ['empty', null],
        ],
      },
    };
    const letter = createDeadLetter(message, reason, new Date(0));
    const info = readDeadLetter(letter);

    expect(info?.originalHeaderBytes).toEqual([
      ['ce_id', Buffer.from('event-1')],
      ['empty', null],
    ]);
  });

  it('keeps a header named __proto__ or constructor', () => {
    const headers = Object.assign(Object.create(null) as Record<string, string>, {
      ['__proto__']: 'p',
      constructor: 'c',
    });
    const message: ConsumedMessage = {
      ...consumed,
      headers,
      original: {
        key: Buffer.from('sha256:abc'),
        headers: [
          ['__proto__', Buffer.from('p')],
          ['constructor', Buffer.from('c')],
        ],
      },
    };
    const letter = createDeadLetter(message, reason, new Date(0));
    const info = readDeadLetter(letter);

    expect(Object.hasOwn(letter.headers, '__proto__')).toBe(true);
    expect(letter.headers.constructor).toBe('c');
    expect(info?.originalHeaders.constructor).toBe('c');
    expect(info?.originalHeaderBytes).toBeUndefined();
  });

  it('keeps header bytes missing from plain decoded headers', () => {
    const bytes = Buffer.from('c');
    const message: ConsumedMessage = {
      ...consumed,
      headers: {},
      original: { key: Buffer.from('sha256:abc'), headers: [['constructor', bytes]] },
    };
    const letter = createDeadLetter(message, reason, new Date(0));

    expect(readDeadLetter(letter)?.originalHeaderBytes).toEqual([['constructor', bytes]]);
  });

  it('keeps a dead-letter header name of a record without original bytes', () => {
    const name = DEAD_LETTER_HEADERS.sourceTopic;
    const message: ConsumedMessage = { ...consumed, headers: { [name]: 'elsewhere' } };
    const letter = createDeadLetter(message, reason, new Date(0));
    const info = readDeadLetter(letter);

    expect(info?.sourceTopic).toBe('image.analyzed');
    expect(info?.originalKeyBytes).toBeUndefined();
    expect(info?.originalHeaderBytes).toEqual([[name, Buffer.from('elsewhere')]]);
  });

  it('keeps original headers that have a dead-letter header name', () => {
    const name = DEAD_LETTER_HEADERS.reasonCode;
    const letter = createDeadLetter(withHeader(name, 'from the producer'), reason, new Date(0));
    const info = readDeadLetter(letter);

    expect(info?.reasonCode).toBe('INVALID_EVENT');
    expect(info?.originalHeaderBytes).toEqual([[name, Buffer.from('from the producer')]]);
  });

  it('leaves out original headers that only a dead letter may set', () => {
    const name = DEAD_LETTER_VALUE_HEADERS.uri;
    const letter = createDeadLetter(withHeader(name, 's3://other/key'), reason, new Date(0));
    const info = readDeadLetter(letter);

    expect(letter.headers[name]).toBeUndefined();
    expect(info?.offloadedValue).toBeUndefined();
    expect(info?.originalHeaderBytes).toEqual([[name, Buffer.from('s3://other/key')]]);
  });

  it('reads a dead letter whose byte header is malformed without them', () => {
    const letter = createDeadLetter(
      consumed,
      { code: 'INVALID_EVENT', message: 'not JSON' },
      new Date(0),
    );
    letter.headers[DEAD_LETTER_ORIGINAL_HEADERS.headersBase64] = '{"not": "pairs"}';

    expect(readDeadLetter(letter)?.originalHeaderBytes).toBeUndefined();
  });

  it('truncates long reasons', () => {
    const letter = createDeadLetter(
      consumed,
      { code: 'INVALID_EVENT', message: 'x'.repeat(10_000) },
      new Date(0),
    );

    expect(readDeadLetter(letter)?.reasonMessage).toHaveLength(2000);
  });
});

describe('readDeadLetter', () => {
  it('returns null for an ordinary record', () => {
    expect(readDeadLetter(consumed)).toBeNull();
  });
});

describe('deadLetterTopic', () => {
  it('appends .dlq', () => {
    expect(deadLetterTopic('image.analyzed')).toBe('image.analyzed.dlq');
  });
});

/** Creates an object store over a Map, enough to see what was written. */
function mapObjectStore(): ObjectStore & { objects: Map<string, Uint8Array> } {
  const objects = new Map<string, Uint8Array>();

  return {
    objects,
    put: (key, body) => Promise.resolve(void objects.set(key, body)),
    get: (key) => Promise.resolve(objects.get(key) ?? null),
    delete: (key) => Promise.resolve(void objects.delete(key)),
    list: async function* () {},
    close: () => Promise.resolve(),
  };
}

describe('offloadLargeDeadLetter', () => {
  const reason = { code: 'INVALID_EVENT', message: 'not JSON' };
  const options = (objects: ObjectStore) => ({
    objects,
    bucket: 'strata',
    prefix: 'dead-letters/',
    maxInlineBytes: 1024,
  });

  it('keeps a small dead letter as it is', async () => {
    const objects = mapObjectStore();
    const letter = createDeadLetter(consumed, reason, new Date(0));

    const result = await offloadLargeDeadLetter(letter, consumed, options(objects));

    expect(result).toBe(letter);
    expect(objects.objects.size).toBe(0);
  });

  it('moves a large value to the object store', async () => {
    const objects = mapObjectStore();
    const value = Buffer.alloc(4096, 0xab);
    const large = { ...consumed, value };
    const letter = createDeadLetter(large, reason, new Date(0));

    const result = await offloadLargeDeadLetter(letter, large, options(objects));

    const key = 'dead-letters/image.analyzed/3/1207';
    expect(result.value).toBeNull();
    expect(Buffer.from(objects.objects.get(key) ?? []).equals(value)).toBe(true);
    const info = readDeadLetter(result);
    expect(info?.offloadedValue).toEqual({
      uri: `s3://strata/${key}`,
      sha256: createHash('sha256').update(value).digest('hex'),
      bytes: 4096,
    });
    expect(info?.originalHeaders).toEqual(consumed.headers);
    expect(info?.reasonCode).toBe('INVALID_EVENT');
  });
});
