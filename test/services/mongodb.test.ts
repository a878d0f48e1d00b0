import { createTestNames } from '@strata/testkit';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, inject, it } from 'vitest';

const services = inject('services');
const names = createTestNames('mongodb round trip');
const client = new MongoClient(services.mongodbUri, { serverSelectionTimeoutMS: 10_000 });

afterAll(async () => {
  await client.db(names.database).dropDatabase();
  await client.close();
});

describe('MongoDB server', () => {
  it('finds an inserted document by its id', async () => {
    const images = client
      .db(names.database)
      .collection<{ _id: string; layers: string[] }>('images');
    const layers = ['sha256:aaa', 'sha256:bbb'];
    await images.insertOne({ _id: 'sha256:image', layers });

    const found = await images.findOne({ _id: 'sha256:image' });

    expect(found?.layers).toEqual(layers);
    expect(await images.countDocuments()).toBe(1);
  });
});
