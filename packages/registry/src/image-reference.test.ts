import { describe, expect, it } from 'vitest';

import { formatReference, manifestReference, parseImageReference } from './image-reference.ts';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('parseImageReference', () => {
  it('parses a host with port, a nested repository and a tag', () => {
    const reference = parseImageReference('127.0.0.1:5000/team/app:1.2');

    expect(reference.registry).toBe('127.0.0.1:5000');
    expect(reference.repository).toBe('team/app');
    expect(reference.tag).toBe('1.2');
    expect(reference.digest).toBeUndefined();
  });

  it('parses a digest and requests the manifest by it', () => {
    const reference = parseImageReference(`registry.example/app:1@${DIGEST}`);

    expect(reference.digest).toBe(DIGEST);
    expect(manifestReference(reference)).toBe(DIGEST);
  });

  it('defaults the tag to latest', () => {
    expect(parseImageReference('localhost/app').tag).toBe('latest');
  });

  it.each([
    ['python:3.12', 'missing registry host'],
    ['library/python', 'missing registry host'],
    ['registry.example/App:1', 'invalid repository'],
    ['registry.example/app:bad tag', 'invalid tag'],
    ['registry.example/app@sha256:12', 'invalid digest'],
  ])('rejects %s', (text, reason) => {
    expect(() => parseImageReference(text)).toThrow(reason);
  });

  it('formats a reference back to text', () => {
    expect(formatReference(parseImageReference('localhost:5000/a/b:c'))).toBe(
      'localhost:5000/a/b:c',
    );
  });
});
