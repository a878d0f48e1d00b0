import type { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';

import { createResultVersionStore } from './create-result-version-store.ts';

/** Creates a client whose `buildInfo` returns `info`. The store only names its collections. */
function clientWithBuildInfo(info: Record<string, unknown>): MongoClient {
  const database = {
    command: () => Promise.resolve(info),
    collection: () => ({}),
  };

  return { db: () => database } as unknown as MongoClient;
}

describe('createResultVersionStore', () => {
  it('locks writes on FerretDB', async () => {
    const client = clientWithBuildInfo({ version: '7.0.77', ferretdbVersion: 'v1.24.0' });
    const store = await createResultVersionStore({ client, database: 'strata' });

    expect(store.lockWrites).toBe(true);
  });

  it('leaves writes unlocked on MongoDB', async () => {
    const client = clientWithBuildInfo({ version: '7.0.14' });
    const store = await createResultVersionStore({ client, database: 'strata' });

    expect(store.lockWrites).toBe(false);
  });
});
