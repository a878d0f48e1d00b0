import { uniqueName } from '@strata/contract-tests';
import type { Db, MongoClient } from 'mongodb';
import { afterAll, beforeAll } from 'vitest';
import { connectMongo } from './connect-mongo.ts';

/** A client and a database of one test file, which the file's `afterAll` drops. */
export interface TestDatabase {
  readonly client: MongoClient;
  readonly name: string;
  db(): Db;
}

/**
 * Connects to `MONGODB_URI` before the file's tests and drops the file's own database
 * after them. Call it at the top level of a test file.
 */
export function useTestDatabase(): TestDatabase {
  const name = uniqueName('strata-test').replaceAll('-', '_');
  let connected: MongoClient | undefined;
  const client = (): MongoClient => {
    if (connected === undefined) {
      throw new Error('the test database is used before beforeAll connected it');
    }

    return connected;
  };

  beforeAll(async () => {
    connected = await connectMongo({ uri: process.env.MONGODB_URI ?? '' });
  });

  afterAll(async () => {
    await client().db(name).dropDatabase();
    await client().close();
  });

  return {
    get client() {
      return client();
    },
    name,
    db: () => client().db(name),
  };
}

/**
 * Creates a test subject on a database of its own. `cleanup` closes the subject and drops the
 * database.
 */
export async function databaseFixture<T extends { close(): Promise<void> }>(
  client: MongoClient,
  create: (database: string) => T | Promise<T>,
) {
  const database = uniqueName('strata-test').replaceAll('-', '_');
  const subject = await create(database);
  const cleanup = async () => {
    await subject.close();
    await client.db(database).dropDatabase();
  };

  return { subject, cleanup, database };
}
