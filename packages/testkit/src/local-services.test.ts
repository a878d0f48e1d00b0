import { existsSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { LOCAL_SERVICES_SCRIPT, parseKeyValueLines } from './local-services.ts';

describe('parseKeyValueLines', () => {
  it('reads KEY=value lines and skips the rest', () => {
    const text = 'KAFKA_BROKERS=127.0.0.1:9092\nnot a pair\n  REDIS_URL=redis://r:1  \n';

    expect(parseKeyValueLines(text)).toEqual({
      KAFKA_BROKERS: '127.0.0.1:9092',
      REDIS_URL: 'redis://r:1',
    });
  });

  it('keeps equals signs inside the value', () => {
    expect(parseKeyValueLines('S3_SECRET_ACCESS_KEY=a=b')).toEqual({
      S3_SECRET_ACCESS_KEY: 'a=b',
    });
  });
});

describe('LOCAL_SERVICES_SCRIPT', () => {
  it('points at the services script of the repository', () => {
    expect(LOCAL_SERVICES_SCRIPT.endsWith('/infra/local/services.sh')).toBe(true);
    expect(existsSync(LOCAL_SERVICES_SCRIPT)).toBe(true);
  });
});
