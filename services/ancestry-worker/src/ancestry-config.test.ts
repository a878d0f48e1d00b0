import { describe, expect, it } from 'vitest';
import { ancestrySettings, parseAncestryConfig } from './ancestry-config.ts';

const env = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  MONGODB_URI: 'mongodb://127.0.0.1:27017',
  REDIS_URL: 'redis://127.0.0.1:6379',
  S3_ENDPOINT: 'http://127.0.0.1:9000',
  S3_REGION: 'us-east-1',
  S3_ACCESS_KEY_ID: 'id',
  S3_SECRET_ACCESS_KEY: 'secret',
  S3_BUCKET: 'strata',
};

describe('parseAncestryConfig', () => {
  it('applies defaults', () => {
    const settings = ancestrySettings(parseAncestryConfig(env));

    expect(settings.topics.indexed).toBe('image.indexed');
    expect(settings.topics.recompute).toBe('image.recompute');
    expect(settings.groupId).toBe('strata-ancestry');
    expect(settings.compareTo).toEqual({ relation: 'default' });
    expect(settings.markedBaseTagPatterns).toEqual([]);
    expect(settings.resultMaxInlineBytes).toBe(262_144);
    expect(settings.concurrency).toBe(8);
  });

  it('parses and bounds ANCESTRY_CONCURRENCY', () => {
    expect(
      ancestrySettings(parseAncestryConfig({ ...env, ANCESTRY_CONCURRENCY: '3' })),
    ).toMatchObject({
      concurrency: 3,
    });
    expect(() => parseAncestryConfig({ ...env, ANCESTRY_CONCURRENCY: '0' })).toThrow(
      /ANCESTRY_CONCURRENCY/,
    );
  });

  it('reads the comparison and marked base patterns', () => {
    const config = parseAncestryConfig({
      ...env,
      COMPARE_TO: 'parent',
      MARKED_BASE_TAG_PATTERNS: 'golden/*, corp/base:*',
    });
    const settings = ancestrySettings(config);

    expect(settings.compareTo).toEqual({ relation: 'parent' });
    expect(settings.markedBaseTagPatterns).toEqual(['golden/*', 'corp/base:*']);
  });

  it('rejects invalid comparison and result bound', () => {
    const attempt = () =>
      parseAncestryConfig({ ...env, COMPARE_TO: 'sibling', RESULT_MAX_INLINE_BYTES: '2000000' });

    expect(attempt).toThrow(/COMPARE_TO/);
    expect(attempt).toThrow(/RESULT_MAX_INLINE_BYTES/);
  });
});
