import { describe, expect, it } from 'vitest';

import { StrataError } from './errors.ts';
import { describeValue, isDigest, parseDigest } from './digest.ts';

const HEX64 = 'a'.repeat(64);

describe('isDigest', () => {
  it.each([
    [`sha256:${HEX64}`, true],
    [`sha512:${'0'.repeat(128)}`, true],
    [`sha256:${HEX64.toUpperCase()}`, false],
    [`sha256:${HEX64.slice(1)}`, false],
    [`sha256:${HEX64}0`, false],
    [`sha512:${HEX64}`, false],
    [`md5:${'a'.repeat(32)}`, false],
    [` sha256:${HEX64}`, false],
    [`sha256:${HEX64}\n`, false],
    [HEX64, false],
    [42, false],
  ])('judges %j as %s', (value, valid) => {
    expect(isDigest(value)).toBe(valid);
  });
});

describe('parseDigest', () => {
  it('names the field and the value', () => {
    const error = (() => {
      try {
        parseDigest('sha256:XYZ', 'image.digest');
      } catch (caught) {
        return caught;
      }
    })();

    expect(error).toBeInstanceOf(StrataError);
    expect((error as StrataError).code).toBe('INVALID_EVENT');
    expect((error as StrataError).message).toContain('image.digest');
    expect((error as StrataError).message).toContain('sha256:XYZ');
  });
});

describe('describeValue', () => {
  it('truncates long values', () => {
    const text = describeValue('x'.repeat(500));

    expect(text.length).toBeLessThan(120);
    expect(text).toContain('502 characters');
  });

  it('describes values nested too deeply to serialize', () => {
    const depth = 50_000;
    const array = JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown;
    const object = JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`) as unknown;

    expect(describeValue(array)).toBe('an array nested too deeply to print');
    expect(describeValue(object)).toBe('an object nested too deeply to print');
  });
});
