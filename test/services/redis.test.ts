import { createTestNames } from '@strata/testkit';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';

const services = inject('services');
const names = createTestNames('redis round trip');
const redis = new Redis(services.redisUrl, { keyPrefix: names.keyPrefix, lazyConnect: true });

afterAll(async () => {
  await redis.del('chain', 'count');
  await redis.quit();
});

describe('Redis server', () => {
  it('runs a pipeline of writes and reads under the key prefix', async () => {
    await redis.connect();
    const results = await redis
      .pipeline()
      .sadd('chain', 'sha256:one', 'sha256:two')
      .incrby('count', 2)
      .smembers('chain')
      .get('count')
      .exec();

    expect(results?.map(([error]) => error)).toEqual([null, null, null, null]);
    expect(results?.[0]?.[1]).toBe(2);
    expect(results?.[2]?.[1]).toEqual(expect.arrayContaining(['sha256:one', 'sha256:two']));
    expect(results?.[3]?.[1]).toBe('2');
    const unprefixed = new Redis(services.redisUrl);
    expect(await unprefixed.exists(`${names.keyPrefix}chain`)).toBe(1);
    await unprefixed.quit();
  });
});
