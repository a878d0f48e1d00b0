import { describe, expect, it } from 'vitest';

import { parseAuthChallenge } from './auth-challenge.ts';

describe('parseAuthChallenge', () => {
  it('reads the realm, service and a scope with commas', () => {
    const challenge = parseAuthChallenge(
      'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:app:pull,push"',
    );

    expect(challenge?.scheme).toBe('bearer');
    expect(challenge?.parameters.realm).toBe('https://auth.example/token');
    expect(challenge?.parameters.service).toBe('registry.example');
    expect(challenge?.parameters.scope).toBe('repository:app:pull,push');
  });

  it('reads a basic challenge', () => {
    expect(parseAuthChallenge('Basic realm="registry"')?.scheme).toBe('basic');
  });

  it('returns undefined without a header', () => {
    expect(parseAuthChallenge(undefined)).toBeUndefined();
  });
});
