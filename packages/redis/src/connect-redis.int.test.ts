import { createServer } from 'node:net';

import { StrataError } from '@strata/core';
import { describe, expect, it } from 'vitest';

import { connectRedis } from './connect-redis.ts';

const redisUrl = process.env.REDIS_URL ?? '';
const clusterNodes = process.env.REDIS_CLUSTER_NODES;

/** Returns a loopback port that had a listener a moment ago and now refuses connections. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port');

  return address.port;
}

describe('connectRedis', () => {
  it('connects to the server at the URL', async () => {
    const { client, address } = await connectRedis({ url: redisUrl, maxRetriesPerRequest: 2 });
    try {
      expect(await client.ping()).toBe('PONG');
      expect(address).toBe(new URL(redisUrl).host);
    } finally {
      await client.quit();
    }
  });

  it('raises SERVICE_UNAVAILABLE for a refused connection', async () => {
    const port = await closedPort();
    const error = await connectRedis({ url: `redis://127.0.0.1:${port}` }).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(StrataError);
    expect((error as StrataError).code).toBe('SERVICE_UNAVAILABLE');
    expect((error as StrataError).retryable).toBe(true);
    expect((error as StrataError).message).toContain(`127.0.0.1:${port}`);
  });

  // Runs only where a Redis Cluster is given, as `host:port,host:port`.
  it.runIf(clusterNodes !== undefined && clusterNodes !== '')('connects to a cluster', async () => {
    const nodes = (clusterNodes ?? '').split(',');
    const { client, address } = await connectRedis({ clusterNodes: nodes });
    try {
      expect(await client.ping()).toBe('PONG');
      expect(address).toBe(nodes.join(','));
    } finally {
      await client.quit();
    }
  });
});
