import type { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';

import { createImageStore } from './create-image-store.ts';

/** A client whose `buildInfo` returns `info`; the store only names databases and collections. */
function clientWithBuildInfo(info: Record<string, unknown>): MongoClient {
  const database = {
    command: () => Promise.resolve(info),
    collection: () => ({}),
  };

  return { db: () => database } as unknown as MongoClient;
}

describe('createImageStore', () => {
  it('locks writes on FerretDB', async () => {
    const client = clientWithBuildInfo({ version: '7.0.77', ferretdbVersion: 'v1.24.0' });
    const store = await createImageStore({ client, database: 'strata' });

    expect(store.lockWrites).toBe(true);
    expect(store.pointReads).toBe(true);
  });

  it('leaves writes unlocked on MongoDB', async () => {
    const client = clientWithBuildInfo({ version: '7.0.14' });
    const store = await createImageStore({ client, database: 'strata' });

    expect(store.lockWrites).toBe(false);
    expect(store.pointReads).toBe(false);
  });
});
