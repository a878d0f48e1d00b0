import { describe, expect, it } from 'vitest';

import { addressesFromEnvironment } from './environment-addresses.ts';

const s3Environment = {
  S3_ENDPOINT: 'http://127.0.0.1:9000',
  S3_ACCESS_KEY_ID: 'key',
  S3_SECRET_ACCESS_KEY: 'secret',
};

describe('addressesFromEnvironment', () => {
  it('reads every service from its variables', () => {
    const addresses = addressesFromEnvironment({
      KAFKA_BROKERS: '127.0.0.1:9092, kafka-2:9092',
      MONGODB_URI: 'mongodb://127.0.0.1:27017',
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_CLUSTER_NODES: '127.0.0.1:7001,127.0.0.1:7002',
      ...s3Environment,
      S3_REGION: 'eu-west-1',
    });

    expect(addresses.kafkaBrokers).toEqual(['127.0.0.1:9092', 'kafka-2:9092']);
    expect(addresses.mongodbUri).toBe('mongodb://127.0.0.1:27017');
    expect(addresses.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(addresses.redisClusterNodes).toEqual(['127.0.0.1:7001', '127.0.0.1:7002']);
    expect(addresses.s3).toEqual({
      endpoint: 'http://127.0.0.1:9000',
      accessKeyId: 'key',
      secretAccessKey: 'secret',
      region: 'eu-west-1',
    });
  });

  it('leaves out services whose variable is unset or blank', () => {
    const addresses = addressesFromEnvironment({ KAFKA_BROKERS: ' ', REDIS_URL: 'redis://r:1' });

    expect(addresses).toEqual({ redisUrl: 'redis://r:1' });
  });

  it('defaults the S3 region to us-east-1', () => {
    expect(addressesFromEnvironment(s3Environment).s3?.region).toBe('us-east-1');
  });

  it('rejects a broker list entry without a port', () => {
    expect(() => addressesFromEnvironment({ KAFKA_BROKERS: '127.0.0.1:9092,kafka' })).toThrow(
      "invalid KAFKA_BROKERS '127.0.0.1:9092,kafka'",
    );
  });

  it('rejects a cluster node without a port', () => {
    expect(() => addressesFromEnvironment({ REDIS_CLUSTER_NODES: '127.0.0.1' })).toThrow(
      "invalid REDIS_CLUSTER_NODES '127.0.0.1': expected comma-separated host:port pairs",
    );
  });

  it('rejects a MongoDB URI of another scheme', () => {
    expect(() => addressesFromEnvironment({ MONGODB_URI: 'postgres://db:5432' })).toThrow(
      /invalid MONGODB_URI 'postgres:\/\/db:5432': expected a URL starting with mongodb:\/\//,
    );
  });

  it('rejects an S3 endpoint without credentials', () => {
    const env = { S3_ENDPOINT: 'http://127.0.0.1:9000', S3_ACCESS_KEY_ID: 'key' };

    expect(() => addressesFromEnvironment(env)).toThrow(/S3_SECRET_ACCESS_KEY is missing/);
  });
});
