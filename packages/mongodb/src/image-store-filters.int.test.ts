import { collect, makeImageRecord, randomLayers, uniqueName } from '@strata/contract-tests';
import { MongoClient } from 'mongodb';
import type { CommandStartedEvent, Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoImageStore } from './mongo-image-store.ts';

let client: MongoClient;
const database = uniqueName('strata-test').replaceAll('-', '_');
const commands: CommandStartedEvent[] = [];

beforeAll(async () => {
  client = new MongoClient(process.env.MONGODB_URI ?? '', {
    monitorCommands: true,
    ignoreUndefined: true,
  });
  client.on('commandStarted', (event) => commands.push(event));
  await client.connect();
});

afterAll(async () => {
  await client.db(database).dropDatabase();
  await client.close();
});

interface SentFilter {
  command: string;
  collection: string;
  filter: Document;
}

/** Lists the query filters of the commands that read, update or delete documents. */
function sentFilters(events: readonly CommandStartedEvent[]): SentFilter[] {
  return events.flatMap((event) => {
    const { command, commandName } = event;
    const collection = String(command[commandName]);
    const filters = (): Document[] => {
      switch (commandName) {
        case 'find':
          return [command.filter as Document];
        case 'findAndModify':
          return [command.query as Document];
        case 'update':
          return (command.updates as { q: Document }[]).map((update) => update.q);
        case 'delete':
          return (command.deletes as { q: Document }[]).map((deletion) => deletion.q);
        default:
          return [];
      }
    };

    return filters().map((filter) => ({ command: commandName, collection, filter }));
  });
}

/** Tells whether a filter is a lock release, which deletes by `_id` and owner. */
function isLockRelease({ command, collection, filter }: SentFilter): boolean {
  return command === 'delete' && collection.endsWith('Locks') && 'owner' in filter;
}

describe('MongoImageStore with FerretDB settings', () => {
  it('filters the hot path by _id alone', async () => {
    const collection = uniqueName('images');
    const store = new MongoImageStore({
      client,
      database,
      collection,
      lockWrites: true,
      pointReads: true,
    });
    const base = makeImageRecord({ analyzedAt: '2026-01-01T00:00:00Z' });
    const child = makeImageRecord({ layers: [...base.image.layers, ...randomLayers(2)] });
    const reanalysis = { ...base, analyzedAt: '2026-01-02T00:00:00Z', diffIdChains: null };
    commands.length = 0;

    expect(await store.upsert(base)).toBe('inserted');
    expect(await store.upsert(child)).toBe('inserted');
    expect(await store.upsert(child)).toBe('unchanged');
    expect(await store.upsert(reanalysis)).toBe('updated');
    expect(await store.upsert(base)).toBe('stale');
    expect(await store.get(child.image.digest)).not.toBeNull();
    expect(await store.getMany([base.image.digest, child.image.digest])).toHaveLength(2);
    const chainId = base.blobChains.at(-1) ?? '';
    expect(await collect(store.findDescendants('blob', chainId, 3))).toEqual([child.image.digest]);
    expect(await store.setMarkedBase(base.image.digest, true)).toBe(true);
    expect(await store.delete(child.image.digest)).not.toBeNull();

    const filters = sentFilters(commands).filter((sent) => !isLockRelease(sent));
    expect(filters.length).toBeGreaterThan(20);
    for (const sent of filters) {
      expect(Object.keys(sent.filter), JSON.stringify(sent)).toEqual(['_id']);
      expect(typeof sent.filter._id, JSON.stringify(sent)).toBe('string');
    }
  });
});
