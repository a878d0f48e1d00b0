import { describe, expect, it } from 'vitest';

import { matchesTagPattern } from './tag-pattern.ts';

describe('matchesTagPattern', () => {
  it.each([
    ['registry.example/golden/*', 'registry.example/golden/debian:12', true],
    ['registry.example/golden/*', 'registry.example/other/debian:12', false],
    ['debian:1?', 'debian:12', false],
    ['debian:*-slim', 'debian:12-slim', true],
    ['a.b', 'axb', false],
    ['*', '', true],
  ])('matches %s against %s: %s', (pattern, tag, expected) => {
    expect(matchesTagPattern(pattern, tag)).toBe(expected);
  });
});
