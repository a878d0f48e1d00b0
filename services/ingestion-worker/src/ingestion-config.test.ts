import { describe, expect, it } from 'vitest';
import { parseIngestionConfig } from './ingestion-config.ts';

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

describe('parseIngestionConfig', () => {
  it('applies defaults', () => {
    const config = parseIngestionConfig(env);

    expect(config.ANALYZED_TOPIC).toBe('image.analyzed');
    expect(config.INDEXED_TOPIC).toBe('image.indexed');
    expect(config.KAFKA_GROUP_ID).toBe('strata-ingestion');
    expect(config.ANALYSIS_DOCUMENT_MAX_BYTES).toBe(268_435_456);
  });

  it('rejects an invalid topic name', () => {
    expect(() => parseIngestionConfig({ ...env, ANALYZED_TOPIC: 'image analyzed' })).toThrow(
      /ANALYZED_TOPIC/,
    );
  });
});
