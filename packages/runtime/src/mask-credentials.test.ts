import { describe, expect, it } from 'vitest';
import { isSecretName, maskConfig, maskUrlPasswords } from './mask-credentials.ts';

describe('maskUrlPasswords', () => {
  it('masks the password of a connection string', () => {
    expect(maskUrlPasswords('mongodb://user:p%40ss@db:27017/x')).toBe(
      'mongodb://user:***@db:27017/x',
    );
  });

  it('masks every URL inside a longer text', () => {
    const text = 'failed redis://:s3cret@a:6379 then rediss://u:v@b:6380';

    expect(maskUrlPasswords(text)).toBe('failed redis://:***@a:6379 then rediss://u:***@b:6380');
  });

  it('keeps URLs without a password', () => {
    expect(maskUrlPasswords('http://127.0.0.1:9000/bucket')).toBe('http://127.0.0.1:9000/bucket');
    expect(maskUrlPasswords('mongodb://user@db/')).toBe('mongodb://user@db/');
  });
});

describe('maskConfig', () => {
  it('masks secret variables by name', () => {
    const masked = maskConfig({
      KAFKA_SASL_PASSWORD: 'pw',
      S3_SECRET_ACCESS_KEY: 'key',
      S3_ACCESS_KEY_ID: 'id',
      HTTP_PORT: 9464,
    });

    expect(masked).toEqual({
      KAFKA_SASL_PASSWORD: '***',
      S3_SECRET_ACCESS_KEY: '***',
      S3_ACCESS_KEY_ID: 'id',
      HTTP_PORT: 9464,
    });
  });

  it('recognizes secret names', () => {
    expect(isSecretName('API_TOKEN')).toBe(true);
    expect(isSecretName('KAFKA_BROKERS')).toBe(false);
  });
});
