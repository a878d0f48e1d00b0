import { randomDigest, resultVersionStoreContract } from '@strata/contract-tests';
import { MongoClient } from 'mongodb';
import type { CommandStartedEvent, Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMongo, isFerretDb } from './connect-mongo.ts';
import { createResultVersionStore } from './create-result-version-store.ts';
import { MongoResultVersionStore } from './mongo-result-version-store.ts';
import { databaseFixture } from './test-database.ts';

const ANCESTRY = 'image.ancestry';

// The server kind decides which suites run, so it is read before the suites are declared.
const ferretDb = await serverIsFerretDb();

let client: MongoClient;

beforeAll(async () => {
  client = await connectMongo({ uri: mongoUri() });
});

afterAll(async () => {
  await client.close();
});

resultVersionStoreContract('MongoDB', () =>
  databaseFixture(client, async (database) => {
    const store = await createResultVersionStore({ client, database });
    expect(store.lockWrites).toBe(ferretDb);
    return store;
  }),
);

// FerretDB 1.24 does not apply conditional updates atomically, so there the contract's
// concurrent cases fail without write locks, and only sequential writes are checked.
describe.skipIf(ferretDb)('on MongoDB', () => {
  resultVersionStoreContract('MongoDB with conditional writes', () =>
    databaseFixture(client, (database) => new MongoResultVersionStore({ client, database })),
  );
});

describe('MongoResultVersionStore', () => {
  it('advances by conditional writes one at a time', async () => {
    const { subject: store, cleanup } = await databaseFixture(
      client,
      (database) => new MongoResultVersionStore({ client, database, lockWrites: false }),
    );
    try {
      const image = randomDigest();

      expect(await store.next(image, ANCESTRY, 'hash-a')).toBe(1);
      expect(await store.next(image, ANCESTRY, 'hash-a')).toBeNull();
      expect(await store.next(image, ANCESTRY, 'hash-b')).toBe(2);
      expect(await store.current(image, ANCESTRY)).toEqual({ version: 2, contentHash: 'hash-b' });
    } finally {
      await cleanup();
    }
  });

  it('numbers 24 concurrent writers 1 to 24', async () => {
    const fixture = await databaseFixture(client, (database) =>
      createResultVersionStore({ client, database }),
    );
    const other = await createResultVersionStore({ client, database: fixture.database });
    try {
      const image = randomDigest();
      const hashes = Array.from({ length: 24 }, (_, i) => `hash-${i}`);

      // Two store instances, as two workers would have, share the lock and head documents.
      const versions = await Promise.all(
        hashes.map((hash, i) =>
          (i % 2 === 0 ? fixture.subject : other).next(image, ANCESTRY, hash),
        ),
      );

      const sorted = versions.filter((version) => version !== null).sort((a, b) => a - b);
      expect(sorted).toEqual(hashes.map((_, i) => i + 1));
      const last = hashes[versions.indexOf(hashes.length)];
      expect(await other.current(image, ANCESTRY)).toEqual({ version: 24, contentHash: last });
      const database = client.db(fixture.database);
      expect(await database.collection('resultHeads').countDocuments({})).toBe(1);
      expect(await database.collection('resultHeadsLocks').countDocuments({})).toBe(0);
    } finally {
      await fixture.cleanup();
    }
  });

  it('reads and writes heads by _id alone', async () => {
    const monitored = new MongoClient(mongoUri(), { monitorCommands: true });
    const commands: CommandStartedEvent[] = [];
    monitored.on('commandStarted', (event) => commands.push(event));
    const { subject: store, cleanup } = await databaseFixture(client, (database) =>
      createResultVersionStore({ client: monitored, database }),
    );
    try {
      const image = randomDigest();
      await Promise.all(['a', 'b', 'c'].map((hash) => store.next(image, ANCESTRY, hash)));
      await store.next(image, ANCESTRY, 'c');
      await store.current(image, ANCESTRY);
      await store.current(randomDigest(), ANCESTRY);

      const filters = filtersOn(commands, 'resultHeads');
      expect(filters.length).toBeGreaterThanOrEqual(6);
      for (const filter of filters) {
        expect(typeof filter._id).toBe('string');
        // Only the conditional replace, which runs without write locks, adds the previous version.
        const allowed = store.lockWrites ? [['_id']] : [['_id'], ['_id', 'version']];
        expect(allowed).toContainEqual(Object.keys(filter).sort());
      }
    } finally {
      await cleanup();
      await monitored.close();
    }
  });

  it.runIf(ferretDb)('has its head reads pushed down on FerretDB', async () => {
    const {
      subject: store,
      cleanup,
      database,
    } = await databaseFixture(
      client,
      (name) => new MongoResultVersionStore({ client, database: name }),
    );
    try {
      const image = randomDigest();
      await store.next(image, ANCESTRY, 'hash-a');

      const heads = client.db(database).collection<{ _id: string }>('resultHeads');
      const explained = await heads.find({ _id: `${ANCESTRY}/${image}` }).explain();

      expect(explained.filterPushdown).toBe(true);
    } finally {
      await cleanup();
    }
  });
});

/** Filters of the find, update and delete commands sent to `collection`. */
function filtersOn(commands: readonly CommandStartedEvent[], collection: string): Document[] {
  return commands.flatMap(({ commandName, command }) => {
    if (commandName === 'find' && command.find === collection) {
      return [command.filter as Document];
    }

    if (commandName === 'update' && command.update === collection) {
      return (command.updates as Document[]).map((update) => update.q as Document);
    }

    if (commandName === 'delete' && command.delete === collection) {
      return (command.deletes as Document[]).map((deletion) => deletion.q as Document);
    }

    return [];
  });
}

async function serverIsFerretDb(): Promise<boolean> {
  const probe = await connectMongo({ uri: mongoUri() });
  try {
    return await isFerretDb(probe);
  } finally {
    await probe.close();
  }
}

function mongoUri(): string {
  const uri = process.env.MONGODB_URI;
  if (uri === undefined || uri === '') {
    throw new Error('MONGODB_URI is not set; run the integration project, whose setup sets it');
  }

  return uri;
}
