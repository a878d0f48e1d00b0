import { describe, expect, it } from 'vitest';

import { resolveServices, type ServiceStarters } from './resolve-services.ts';
import type { LocalServiceName, PartialAddresses } from './service-addresses.ts';

const s3 = {
  endpoint: 'http://s3:9000',
  accessKeyId: 'key',
  secretAccessKey: 'secret',
  region: 'us-east-1',
};

const fullEnvironment = {
  KAFKA_BROKERS: 'kafka:9092',
  MONGODB_URI: 'mongodb://mongo:27017',
  REDIS_URL: 'redis://redis:6379',
  S3_ENDPOINT: s3.endpoint,
  S3_ACCESS_KEY_ID: s3.accessKeyId,
  S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
};

/** Addresses a starter returns for the services it was asked for. */
function addressesFor(names: LocalServiceName[], host: string): PartialAddresses {
  const addresses: PartialAddresses = {};
  if (names.includes('kafka')) addresses.kafkaBrokers = [`${host}:9092`];
  if (names.includes('mongodb')) addresses.mongodbUri = `mongodb://${host}:27017`;
  if (names.includes('redis')) addresses.redisUrl = `redis://${host}:6379`;
  if (names.includes('s3')) addresses.s3 = { ...s3, endpoint: `http://${host}:9000` };
  if (names.includes('redis-cluster')) addresses.redisClusterNodes = [`${host}:7001`];
  return addresses;
}

/** Starters that record their calls instead of starting servers. */
function recordingStarters(dockerAnswers: boolean) {
  const calls: string[] = [];
  const starters: ServiceStarters = {
    dockerEngineResponds: () => {
      calls.push('docker ping');
      return Promise.resolve(dockerAnswers);
    },
    startContainers: (names) => {
      calls.push(`containers ${names.join(' ')}`);
      const stop = () => {
        calls.push('containers stop');
        return Promise.resolve();
      };
      return Promise.resolve({ addresses: addressesFor(names, 'container'), stop });
    },
    startLocal: (names) => {
      calls.push(`local ${names.join(' ')}`);
      return Promise.resolve(addressesFor(names, '127.0.0.1'));
    },
  };
  return { calls, starters };
}

describe('resolveServices', () => {
  it('uses the environment alone when it names every service', async () => {
    const { calls, starters } = recordingStarters(true);

    const { addresses } = await resolveServices(fullEnvironment, starters);

    expect(calls).toEqual([]);
    expect(addresses.kafkaBrokers).toEqual(['kafka:9092']);
    expect(addresses.sources).toEqual({
      kafka: 'environment',
      mongodb: 'environment',
      redis: 'environment',
      s3: 'environment',
    });
  });

  it('starts containers for the missing services when Docker responds', async () => {
    const { calls, starters } = recordingStarters(true);
    const env = { ...fullEnvironment, KAFKA_BROKERS: undefined, REDIS_URL: '' };

    const resolved = await resolveServices(env, starters);
    await resolved.release();

    expect(calls).toEqual(['docker ping', 'containers kafka redis', 'containers stop']);
    expect(resolved.addresses.kafkaBrokers).toEqual(['container:9092']);
    expect(resolved.addresses.mongodbUri).toBe('mongodb://mongo:27017');
    expect(resolved.addresses.sources.redis).toBe('testcontainers');
    expect(resolved.addresses.sources.mongodb).toBe('environment');
  });

  it('runs the local scripts when Docker does not respond', async () => {
    const { calls, starters } = recordingStarters(false);

    const resolved = await resolveServices({}, starters);
    await resolved.release();

    expect(calls).toEqual(['docker ping', 'local kafka mongodb redis s3 redis-cluster']);
    expect(resolved.addresses.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(resolved.addresses.redisClusterNodes).toEqual(['127.0.0.1:7001']);
    expect(resolved.addresses.sources.s3).toBe('local');
  });

  it('uses the Redis Cluster of the environment', async () => {
    const { calls, starters } = recordingStarters(false);
    const env = { REDIS_CLUSTER_NODES: 'node-1:7000,node-2:7000' };

    const resolved = await resolveServices(env, starters);

    expect(calls).toEqual(['docker ping', 'local kafka mongodb redis s3']);
    expect(resolved.addresses.redisClusterNodes).toEqual(['node-1:7000', 'node-2:7000']);
  });

  it('starts no local cluster beside a Redis of the environment', async () => {
    const { calls, starters } = recordingStarters(false);
    const env = { REDIS_URL: 'redis://redis:6379' };

    const resolved = await resolveServices(env, starters);

    expect(calls).toEqual(['docker ping', 'local kafka mongodb s3']);
    expect(resolved.addresses.redisClusterNodes).toBeUndefined();
  });

  it('has no cluster when the environment names none', async () => {
    const { starters } = recordingStarters(true);

    const fromEnvironment = await resolveServices(fullEnvironment, starters);
    const fromContainers = await resolveServices({ ...fullEnvironment, REDIS_URL: '' }, starters);

    expect(fromEnvironment.addresses.redisClusterNodes).toBeUndefined();
    expect(fromContainers.addresses.redisClusterNodes).toBeUndefined();
  });

  it('rejects an invalid environment value before starting anything', async () => {
    const { calls, starters } = recordingStarters(true);

    await expect(resolveServices({ REDIS_URL: 'http://redis' }, starters)).rejects.toThrow(
      /invalid REDIS_URL/,
    );
    expect(calls).toEqual([]);
  });
});
