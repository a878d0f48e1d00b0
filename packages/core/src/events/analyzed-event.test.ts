import { describe, expect, it } from 'vitest';

import { StrataError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { analyzedEventSchema } from './analyzed-event.ts';
import { findPrototypeKey, parseWith } from './parse-event.ts';

const DIGEST = `sha256:${'1'.repeat(64)}`;

function validEvent(): Record<string, unknown> {
  return {
    schemaVersion: 1,
    analyzedAt: '2026-01-31T12:00:00Z',
    image: { digest: DIGEST, layers: [{ digest: DIGEST }] },
  };
}

function parseError(value: unknown): StrataError {
  try {
    parseWith(analyzedEventSchema, value, 'image.analyzed event');
  } catch (error) {
    if (error instanceof StrataError) return error;
  }

  throw new Error('expected a StrataError');
}

describe('analyzedEventSchema', () => {
  it('accepts the required fields only', () => {
    expect(parseWith(analyzedEventSchema, validEvent(), 'event').image.digest).toBe(DIGEST);
  });

  it('keeps unknown fields', () => {
    const event = { ...validEvent(), producer: 'ci' };

    expect(parseWith(analyzedEventSchema, event, 'event')).toMatchObject({ producer: 'ci' });
  });

  it('names the field path and value of a bad digest', () => {
    const event = validEvent();
    event.image = { digest: DIGEST, layers: [{ digest: DIGEST }, { digest: 'sha256:ABC' }] };

    const error = parseError(event);

    expect(error.code).toBe('INVALID_EVENT');
    expect(error.message).toContain('image.layers[1].digest');
    expect(error.message).toContain('"sha256:ABC"');
    expect(error.details.field).toBe('image.layers[1].digest');
  });

  it('truncates long offending values', () => {
    const error = parseError({ ...validEvent(), analyzedAt: 'x'.repeat(10_000) });

    expect(error.message.length).toBeLessThan(400);
  });

  it('rejects an analysisRef beside inline findings', () => {
    const event = {
      ...validEvent(),
      vulnerabilities: [],
      analysisRef: { uri: 's3://bucket/key', sha256: 'a'.repeat(64) },
    };

    expect(parseError(event).message).toContain('mutually exclusive');
  });

  it('raises LIMIT_EXCEEDED over the layer bound', () => {
    const layers = Array.from({ length: LIMITS.maxLayersPerImage + 1 }, () => ({ digest: DIGEST }));
    const error = parseError({ ...validEvent(), image: { digest: DIGEST, layers } });

    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.message).toContain('image.layers');
  });

  it('rejects an annotation named __proto__, naming the field', () => {
    const text = JSON.stringify(validEvent()).replace(
      '"layers"',
      '"annotations":{"__proto__":{}},"layers"',
    );
    const error = parseError(JSON.parse(text));

    expect(error.code).toBe('INVALID_EVENT');
    expect(error.message).toContain('image.annotations.__proto__');
  });

  it('finds a __proto__ key at any depth, and none in ordinary values', () => {
    const nested = JSON.parse('{"a":[{"b":1},{"c":{"__proto__":null}}]}') as unknown;

    expect(findPrototypeKey(nested)).toEqual(['a', 1, 'c', '__proto__']);
    expect(findPrototypeKey({ a: [{ constructor: 'x' }], toString: 1 })).toBeUndefined();
    expect(findPrototypeKey('__proto__')).toBeUndefined();
  });

  it('finds a __proto__ key under deep nesting in linear time', () => {
    const depth = 50_000;
    const text = `${'['.repeat(depth)}{"__proto__":1}${']'.repeat(depth)}`;
    const nested = JSON.parse(text) as unknown;
    const started = performance.now();

    const path = findPrototypeKey(nested);

    // A walk that copies the path per level takes tens of seconds at this depth.
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(path).toHaveLength(depth + 1);
    expect(path?.at(-1)).toBe('__proto__');
  });

  it('rejects a deeply nested field with a message naming it', () => {
    const depth = 50_000;
    const nested = JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown;
    const error = parseError({ ...validEvent(), analyzedAt: nested });

    expect(error.code).toBe('INVALID_EVENT');
    expect(error.message).toContain('analyzedAt');
  });

  it('raises LIMIT_EXCEEDED over the annotation count', () => {
    const annotations = Object.fromEntries(
      Array.from({ length: LIMITS.maxAnnotations + 1 }, (_, n) => [`key${n}`, 'v']),
    );
    const error = parseError({
      ...validEvent(),
      image: { digest: DIGEST, layers: [{ digest: DIGEST }], annotations },
    });

    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.message).toContain('image.annotations');
    expect(error.message).toContain(`more than ${LIMITS.maxAnnotations} annotations`);
  });

  it('names the value of a number over its bound', () => {
    const layers = [{ digest: DIGEST, size: 1e300 }];
    const error = parseError({ ...validEvent(), image: { digest: DIGEST, layers } });

    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.message).toContain('image.layers[0].size');
    expect(error.message).toContain('(got 1e+300)');
  });

  it('names a truncated string over its bound', () => {
    const tag = 'x'.repeat(LIMITS.maxShortStringLength + 1);
    const layers = [{ digest: DIGEST }];
    const error = parseError({ ...validEvent(), image: { digest: DIGEST, layers, tags: [tag] } });

    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.message).toContain('image.tags[0]');
    expect(error.message).toContain(`(got "${'x'.repeat(20)}`);
    expect(error.message.length).toBeLessThan(400);
  });

  it('raises UNSUPPORTED_SCHEMA_VERSION for version 2', () => {
    expect(parseError({ ...validEvent(), schemaVersion: 2 }).code).toBe(
      'UNSUPPORTED_SCHEMA_VERSION',
    );
  });

  it('requires the image digest', () => {
    const event = validEvent();
    event.image = { layers: [{ digest: DIGEST }] };

    expect(parseError(event).message).toContain('image.digest');
  });
});
