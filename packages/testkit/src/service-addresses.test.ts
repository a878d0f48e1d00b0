import { describe, expect, it } from 'vitest';

import { clusterEnvironment, toEnvironment, type ServiceAddresses } from './service-addresses.ts';

const addresses: ServiceAddresses = {
  kafkaBrokers: ['127.0.0.1:9092'],
  mongodbUri: 'mongodb://127.0.0.1:27017',
  redisUrl: 'redis://127.0.0.1:6379',
  s3: {
    endpoint: 'http://127.0.0.1:9000',
    accessKeyId: 'key',
    secretAccessKey: 'secret',
    region: 'us-east-1',
  },
  redisClusterNodes: ['127.0.0.1:7001', '127.0.0.1:7002'],
  sources: { kafka: 'local', mongodb: 'local', redis: 'local', s3: 'local' },
};

describe('clusterEnvironment', () => {
  it('joins the cluster nodes with commas', () => {
    expect(clusterEnvironment(addresses)).toEqual({
      REDIS_CLUSTER_NODES: '127.0.0.1:7001,127.0.0.1:7002',
    });
  });

  it('returns nothing without a cluster', () => {
    const withoutCluster: ServiceAddresses = { ...addresses };
    delete withoutCluster.redisClusterNodes;

    expect(clusterEnvironment(withoutCluster)).toEqual({});
  });
});

describe('toEnvironment', () => {
  it('leaves REDIS_CLUSTER_NODES out for workers', () => {
    const environment = toEnvironment(addresses);

    expect(environment.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(environment).not.toHaveProperty('REDIS_CLUSTER_NODES');
  });
});
