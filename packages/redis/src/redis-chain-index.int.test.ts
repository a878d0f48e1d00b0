import {
  chainIndexContract,
  makeImageRecord,
  randomDigest,
  uniqueName,
} from '@strata/contract-tests';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChainIndexLayout } from './chain-index-layout.ts';
import { RedisChainIndex, fullChains } from './redis-chain-index.ts';

let client: Redis;

beforeAll(() => {
  client = new Redis(requiredEnv('REDIS_URL'), { lazyConnect: false, maxRetriesPerRequest: 2 });
});

afterAll(async () => {
  await client.quit();
});

/** Creates an index under a key prefix of its own, which cleanup deletes. */
function fixture(redis: Redis | Cluster) {
  const subject = new RedisChainIndex({ client: redis, prefix: `${uniqueName('strata-test')}:` });

  return Promise.resolve({ subject, cleanup: () => subject.clear() });
}

chainIndexContract('Redis', () => fixture(client));

describe('RedisChainIndex', () => {
  it('rebuilds from records and marks itself built', async () => {
    const { subject: index, cleanup } = await fixture(client);
    const records = Array.from({ length: 30 }, () => makeImageRecord());
    await index.add(randomDigest(), [{ kind: 'blob', chainId: randomDigest() }]);
    expect(await index.isBuilt()).toBe(false);

    const count = await index.rebuild(iterate(records));

    expect(count).toBe(30);
    expect(await index.isBuilt()).toBe(true);
    expect(await index.size()).toBe(60);
    const [first] = records;
    const found = await index.lookup(first === undefined ? [] : fullChains(first));
    expect(found).toEqual([[first?.image.digest], [first?.image.digest]]);
    await index.clear();
    expect(await index.isBuilt()).toBe(false);
    await cleanup();
  });

  it('reports a layout change as not built', async () => {
    const prefix = `${uniqueName('strata-test')}:`;
    const narrow = new RedisChainIndex({ client, prefix, bucketHexDigits: 2 });
    await narrow.rebuild(iterate([makeImageRecord()]));

    const wide = new RedisChainIndex({ client, prefix, bucketHexDigits: 6 });
    const longer = new RedisChainIndex({ client, prefix, bucketHexDigits: 2, fingerprintBytes: 8 });

    expect(await narrow.isBuilt()).toBe(true);
    expect(await wide.isBuilt()).toBe(false);
    expect(await longer.isBuilt()).toBe(false);
    await narrow.clear();
  });

  it('reports an index of layout version 1 as not built', async () => {
    const prefix = `${uniqueName('strata-test')}:`;
    const index = new RedisChainIndex({ client, prefix });
    await index.rebuild(iterate([makeImageRecord()]));
    const { builtKey } = new ChainIndexLayout(prefix, 4);
    // Version 1 wrote the layout version and the bucket digits, without a fingerprint width.
    await client.hset(builtKey, 'layout', '1');
    await client.hdel(builtKey, 'fingerprintBytes');

    expect(await index.isBuilt()).toBe(false);
    await index.clear();
  });

  it('looks up after the server lost its scripts', async () => {
    const { subject: index, cleanup } = await fixture(client);
    const record = makeImageRecord();
    await index.add(record.image.digest, fullChains(record));
    // Every script user of the server falls back to EVAL after a flush, so the flush is safe.
    await client.script('FLUSH');

    const found = await index.lookup([
      ...fullChains(record),
      { kind: 'blob', chainId: randomDigest() },
    ]);

    expect(found).toEqual([[record.image.digest], [record.image.digest], []]);
    await cleanup();
  });

  it('coalesces concurrent lookups', async () => {
    const prefix = `${uniqueName('strata-test')}:`;
    const index = new RedisChainIndex({ client, prefix });
    const records = Array.from({ length: 40 }, () => makeImageRecord());
    await index.rebuild(iterate(records));
    const sequential = [];
    for (const record of records) {
      sequential.push(await index.lookup(fullChains(record)));
    }
    const counted = new Redis(requiredEnv('REDIS_URL'), { maxRetriesPerRequest: 2 });
    let calls = 0;
    const callBuffer = counted.callBuffer.bind(counted);
    counted.callBuffer = ((...args: Parameters<typeof callBuffer>) => {
      calls += 1;
      return callBuffer(...args);
    }) as typeof counted.callBuffer;
    const shared = new RedisChainIndex({ client: counted, prefix });

    const concurrent = await Promise.all(
      records.map((record) => shared.lookup(fullChains(record))),
    );

    expect(concurrent).toEqual(sequential);
    expect(concurrent.map((found) => found[0])).toEqual(records.map((r) => [r.image.digest]));
    expect(calls).toBeLessThan(records.length);
    await counted.quit();
    await index.clear();
  });

  it('rejects a digest that is not SHA-256', async () => {
    const { subject: index, cleanup } = await fixture(client);

    const adding = index.add('sha512:' + 'a'.repeat(128), [
      { kind: 'blob', chainId: randomDigest() },
    ]);

    await expect(adding).rejects.toMatchObject({ code: 'INVALID_EVENT' });
    await cleanup();
  });
});

const clusterNodes = process.env.REDIS_CLUSTER_NODES;

// Runs only where a Redis Cluster is given, as `host:port,host:port`.
describe.runIf(clusterNodes !== undefined && clusterNodes !== '')('on Redis Cluster', () => {
  let cluster: Cluster;

  beforeAll(() => {
    const nodes = (clusterNodes ?? '').split(',').map((node) => {
      const [host, port] = node.split(':');
      return { host: host ?? '127.0.0.1', port: Number(port) };
    });
    cluster = new Cluster(nodes, { redisOptions: { maxRetriesPerRequest: 2 } });
  });

  afterAll(async () => {
    await cluster.quit();
  });

  chainIndexContract('Redis Cluster', () => fixture(cluster));
});

async function* iterate<T>(items: readonly T[]): AsyncIterable<T> {
  for (const item of items) {
    yield await Promise.resolve(item);
  }
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`${name} is not set; run the integration project, whose setup sets it`);
  }

  return value;
}
