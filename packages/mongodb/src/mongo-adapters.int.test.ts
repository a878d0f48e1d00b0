import { imageStoreContract } from '@strata/contract-tests';
import type { MongoClient } from 'mongodb';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMongo, isFerretDb } from './connect-mongo.ts';
import { createImageStore } from './create-image-store.ts';
import { MongoImageStore } from './mongo-image-store.ts';
import { databaseFixture } from './test-database.ts';

let client: MongoClient;
let ferretDb: boolean;

beforeAll(async () => {
  client = await connectMongo({ uri: mongoUri() });
  ferretDb = await isFerretDb(client);
});

afterAll(async () => {
  await client.close();
});

imageStoreContract('MongoDB', () =>
  databaseFixture(client, async (database) => {
    const store = await createImageStore({ client, database });
    expect(store.lockWrites).toBe(ferretDb);
    expect(store.pointReads).toBe(ferretDb);
    await store.ensureIndexes();
    return store;
  }),
);

// Reads getMany through one $in query, the path MongoDB takes.
imageStoreContract('MongoDB with write locks', () =>
  databaseFixture(client, async (database) => {
    const store = new MongoImageStore({ client, database, lockWrites: true });
    await store.ensureIndexes();
    return store;
  }),
);

describe('MongoImageStore.ensureIndexes', () => {
  it('succeeds again when every index exists', async () => {
    let databaseName = '';
    const { subject: store, cleanup } = await databaseFixture(client, (database) => {
      databaseName = database;
      return new MongoImageStore({ client, database });
    });
    try {
      await store.ensureIndexes();
      await store.ensureIndexes();

      const database = client.db(databaseName);
      const names = Object.keys(await database.collection('images').indexInformation());
      expect(names.sort()).toEqual(['_id_', 'analyzedAt']);
    } finally {
      await cleanup();
    }
  });
});

describe('connectMongo', () => {
  it('reports an unreachable server as retryable', async () => {
    // A local server that drops every connection simulates a MongoDB that is down.
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;

    const connecting = connectMongo({
      uri: `mongodb://strata:secret@127.0.0.1:${port}/?directConnection=true`,
      serverSelectionTimeoutMs: 500,
    });

    await expect(connecting).rejects.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      retryable: true,
    });
    await expect(connecting).rejects.toThrow(new RegExp(`127\\.0\\.0\\.1:${port}.*MONGODB_URI`));
    await expect(connecting).rejects.not.toThrow(/secret/);
    server.close();
  });
});

function mongoUri(): string {
  const uri = process.env.MONGODB_URI;
  if (uri === undefined || uri === '') {
    throw new Error('MONGODB_URI is not set; run the integration project, whose setup sets it');
  }

  return uri;
}
