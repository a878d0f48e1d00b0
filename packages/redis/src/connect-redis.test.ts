import { StrataError } from '@strata/core';
import { describe, expect, it } from 'vitest';

import { connectRedis, redisAddress } from './connect-redis.ts';

describe('redisAddress', () => {
  it('names the host and port of a URL without credentials', () => {
    const address = redisAddress({ url: 'redis://user:secret@redis.internal:6390/2' });

    expect(address).toBe('redis.internal:6390');
  });

  it('lists the seed nodes of a cluster', () => {
    const address = redisAddress({ clusterNodes: ['10.0.0.1:7000', '10.0.0.2:7001'] });

    expect(address).toBe('10.0.0.1:7000,10.0.0.2:7001');
  });

  it('prefers the URL over cluster nodes', () => {
    const address = redisAddress({ url: 'redis://127.0.0.1:6379', clusterNodes: ['a:1'] });

    expect(address).toBe('127.0.0.1:6379');
  });
});

describe('connectRedis', () => {
  it('rejects options without an address', async () => {
    const error = await connectRedis({ clusterNodes: [] }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(StrataError);
    expect((error as StrataError).code).toBe('INVALID_CONFIG');
    expect((error as StrataError).message).toContain('REDIS_URL');
  });
});
