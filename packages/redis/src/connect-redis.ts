import { StrataError } from '@strata/core';
import { Cluster, Redis } from 'ioredis';

import type { RedisClient } from './redis-pipelines.ts';

/** Address of Redis: one server by URL, or a Redis Cluster by its seed nodes. */
export interface RedisConnectionOptions {
  /** URL of a standalone server, `redis://` or `rediss://`, as in `REDIS_URL`. */
  url?: string;
  /** Redis Cluster seed nodes as `host:port`, as in `REDIS_CLUSTER_NODES`; used without `url`. */
  clusterNodes?: readonly string[];
  /**
   * Attempts of one command while the connection is down before it fails. Default: the
   * ioredis default, 20.
   */
  maxRetriesPerRequest?: number;
}

/** A connected client and the address that names it in error messages, without credentials. */
export interface ConnectedRedis {
  client: RedisClient;
  address: string;
}

/** Returns the host and port of `url`, or the comma-separated seed nodes of a cluster. */
export function redisAddress(options: RedisConnectionOptions): string {
  if (options.url !== undefined) return new URL(options.url).host;

  return (options.clusterNodes ?? []).join(',');
}

function createClient(options: RedisConnectionOptions): RedisClient {
  const redisOptions =
    options.maxRetriesPerRequest === undefined
      ? {}
      : { maxRetriesPerRequest: options.maxRetriesPerRequest };
  if (options.url !== undefined) {
    return new Redis(options.url, { ...redisOptions, lazyConnect: true });
  }

  // A Cluster reads lazyConnect from its own options: inside redisOptions it only reaches the
  // node connections, and the Cluster starts connecting at once, so connect() then rejects.
  return new Cluster([...(options.clusterNodes ?? [])], { lazyConnect: true, redisOptions });
}

/**
 * Connects to the standalone server at `url`, else to the Redis Cluster at `clusterNodes`.
 * Raises `INVALID_CONFIG` when neither is given, and `SERVICE_UNAVAILABLE` (retryable), naming
 * the address and the variables that set it, when the connection fails.
 */
export async function connectRedis(options: RedisConnectionOptions): Promise<ConnectedRedis> {
  if (options.url === undefined && (options.clusterNodes ?? []).length === 0) {
    throw new StrataError(
      'INVALID_CONFIG',
      'missing Redis address: set REDIS_URL or REDIS_CLUSTER_NODES',
    );
  }

  const client = createClient(options);
  const address = redisAddress(options);
  // The rejected promise carries the error, so the `error` event needs no second report.
  const ignore = () => undefined;
  client.on('error', ignore);
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new StrataError(
      'SERVICE_UNAVAILABLE',
      `Redis at ${address} is unreachable; check REDIS_URL or REDIS_CLUSTER_NODES`,
      { cause: error, retryable: true, details: { address } },
    );
  } finally {
    client.off('error', ignore);
  }

  return { client, address };
}
