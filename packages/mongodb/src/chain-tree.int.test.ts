import { collect, makeImageRecord, randomLayers, uniqueName } from '@strata/contract-tests';
import type { TestLayer } from '@strata/contract-tests';
import { findDescendantsIn } from '@strata/core';
import type { ChainKind, Digest, ImageRecord } from '@strata/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LockedNodeWriter, AtomicNodeWriter } from './chain-node-writer.ts';
import type { ChainNodeDocument, ChainNodeWriter, NodeAddition } from './chain-node-writer.ts';
import { ChainTree, chainNodeId } from './chain-tree.ts';
import { createImageStore } from './create-image-store.ts';
import { toImageDocument } from './image-document.ts';
import type { ImageDocument } from './image-document.ts';
import { ImageWriteLocks } from './image-write-locks.ts';
import type { LockDocument } from './image-write-locks.ts';
import { MongoImageStore } from './mongo-image-store.ts';
import { useTestDatabase } from './test-database.ts';

const testDatabase = useTestDatabase();

/** Creates a store on collections no other test uses, with the server's own write mode. */
function serverStore(collection = uniqueName('images')): Promise<MongoImageStore> {
  return createImageStore({ client: testDatabase.client, database: testDatabase.name, collection });
}

/** One image of a generated family, and what happens to it after it is stored. */
interface FamilyMember {
  parent: number;
  added: number[];
  diffIds: boolean;
  reanalyzed: boolean;
  deleted: boolean;
}

const familyMember = fc.record({
  parent: fc.nat(),
  // Layers come from a pool of six, so unrelated images share layers at other positions.
  added: fc.array(fc.nat({ max: 5 }), { maxLength: 3 }),
  diffIds: fc.boolean(),
  reanalyzed: fc.boolean(),
  deleted: fc.boolean(),
});

/**
 * Builds the family: image `i` extends image `parent % i` (or nothing, for `i === 0` or a
 * parent index of `i`), by the added layers. No added layer makes an alias of the parent.
 */
function buildFamily(members: readonly FamilyMember[], pool: readonly TestLayer[]): TestLayer[][] {
  const layers: TestLayer[][] = [];
  for (const [index, member] of members.entries()) {
    const parentIndex = member.parent % (index + 1);
    const inherited = parentIndex === index ? [] : (layers[parentIndex] ?? []);
    const own = member.added.map((layer) => pool[layer] ?? pool[0]);
    const all = [...inherited, ...own].filter((layer) => layer !== undefined);
    layers.push(all.length === 0 ? pool.slice(0, 1) : all);
  }

  return layers;
}

function withoutDiffIds(layers: readonly TestLayer[]): TestLayer[] {
  return layers.map((layer) => ({ digest: layer.digest }));
}

/** Lists every (kind, chain, layer count) that any of the records has. */
function allQueries(records: readonly ImageRecord[]): [ChainKind, Digest, number][] {
  const queries = new Map<string, [ChainKind, Digest, number]>();
  for (const record of records) {
    for (const [kind, chains] of [
      ['blob', record.blobChains],
      ['diffId', record.diffIdChains ?? []],
    ] as const) {
      for (const [index, chainId] of chains.entries()) {
        queries.set(`${kind}:${chainId}`, [kind, chainId, index + 1]);
      }
    }
  }

  return [...queries.values()];
}

async function expectSameDescendants(
  store: MongoImageStore,
  live: Map<Digest, ImageRecord>,
  queried: readonly ImageRecord[],
): Promise<void> {
  for (const [kind, chainId, layerCount] of allQueries(queried)) {
    const found = await collect(store.findDescendants(kind, chainId, layerCount));
    const expected = findDescendantsIn(live.values(), kind, chainId, layerCount);

    expect(found.sort(), `${kind} ${chainId} at ${layerCount}`).toEqual(expected);
  }
}

describe.each([
  ['the server write mode', () => serverStore()],
  [
    'update operators',
    () =>
      Promise.resolve(
        new MongoImageStore({
          client: testDatabase.client,
          database: testDatabase.name,
          collection: uniqueName('i'),
        }),
      ),
  ],
])('findDescendants with %s', (_mode, createStore) => {
  it('equals findDescendantsIn over random families', async () => {
    const family = fc.array(familyMember, { minLength: 1, maxLength: 10 });
    await fc.assert(
      fc.asyncProperty(family, async (members) => {
        const store = await createStore();
        const family = buildFamily(members, randomLayers(6));
        const live = new Map<Digest, ImageRecord>();
        const stored: ImageRecord[] = [];
        for (const [index, member] of members.entries()) {
          const layers = family[index] ?? [];
          const record = makeImageRecord({
            layers: member.diffIds ? layers : withoutDiffIds(layers),
            analyzedAt: '2026-01-01T00:00:00Z',
          });
          await store.upsert(record);
          live.set(record.image.digest, record);
          stored.push(record);
        }

        for (const [index, member] of members.entries()) {
          const record = stored[index];
          if (record === undefined) continue;
          if (member.reanalyzed) {
            const layers = family[index] ?? [];
            const reanalysis = makeImageRecord({
              digest: record.image.digest,
              layers: member.diffIds ? withoutDiffIds(layers) : layers,
              analyzedAt: '2026-01-02T00:00:00Z',
            });
            expect(await store.upsert(reanalysis)).toBe('updated');
            live.set(record.image.digest, reanalysis);
            stored.push(reanalysis);
          }
          if (member.deleted) {
            await store.delete(record.image.digest);
            live.delete(record.image.digest);
          }
        }

        await expectSameDescendants(store, live, stored);
      }),
      { numRuns: 12 },
    );
  });
});

describe('ChainTree', () => {
  it('keeps every child of concurrent upserts', async () => {
    const store = await serverStore();
    const base = randomLayers(2);
    const middle = randomLayers(1);
    const records = Array.from({ length: 24 }, (_, index) =>
      makeImageRecord({
        // Every third image adds two layers through a shared middle layer.
        layers: [...base, ...(index % 3 === 0 ? middle : []), ...randomLayers(1)],
      }),
    );
    const baseRecord = makeImageRecord({ layers: base });

    const outcomes = await Promise.all(records.map((record) => store.upsert(record)));

    expect(outcomes.every((outcome) => outcome === 'inserted')).toBe(true);
    const expected = records.map((record) => record.image.digest).sort();
    for (const [kind, chains] of [
      ['blob', baseRecord.blobChains],
      ['diffId', baseRecord.diffIdChains ?? []],
    ] as const) {
      const ofBase = await collect(store.findDescendants(kind, chains[1] ?? '', 2));
      const ofFirst = await collect(store.findDescendants(kind, chains[0] ?? '', 1));
      expect(ofBase.sort()).toEqual(expected);
      expect(ofFirst.sort()).toEqual(expected);
    }
  });

  it('finds no descendants at another layer count', async () => {
    const store = await serverStore();
    const base = makeImageRecord();
    const child = makeImageRecord({ layers: [...base.image.layers, ...randomLayers(1)] });
    await store.upsert(base);
    await store.upsert(child);
    const chainId = base.blobChains[2] ?? '';

    expect(await collect(store.findDescendants('blob', chainId, 3))).toEqual([child.image.digest]);
    expect(await collect(store.findDescendants('blob', chainId, 2))).toEqual([]);
  });

  it('stops streaming when the reader stops', async () => {
    const store = await serverStore();
    const base = randomLayers(1);
    const records = Array.from({ length: 40 }, () =>
      makeImageRecord({ layers: [...base, ...randomLayers(2)] }),
    );
    for (const record of records) await store.upsert(record);

    const found: Digest[] = [];
    for await (const digest of store.findDescendants('blob', base[0]?.digest ?? '', 1)) {
      found.push(digest);
      if (found.length === 5) break;
    }
    const all = await collect(store.findDescendants('blob', base[0]?.digest ?? '', 1));

    expect(found).toHaveLength(5);
    expect(all).toHaveLength(40);
  });
});

/** Wraps a node writer so that it fails, like a crashed process, after `creates` node inserts. */
function crashingWriter(inner: ChainNodeWriter, creates: number, linksParent: boolean) {
  let left = creates;
  const crash = () => new Error('simulated crash');

  return {
    async create(additions: readonly NodeAddition[]) {
      const done = await inner.create(additions.slice(0, left));
      left -= done;
      if (done < additions.length) throw crash();
      return done;
    },
    async add(addition: NodeAddition) {
      if (addition.child !== undefined && !linksParent) throw crash();
      await inner.add(addition);
    },
    removeImage: (id: string, digest: Digest) => inner.removeImage(id, digest),
  } satisfies ChainNodeWriter;
}

describe('ChainTree after a crash', () => {
  const cases = [
    { name: 'before the parent lists the first new node', creates: 0, linksParent: false },
    { name: 'after the parent lists the first new node', creates: 0, linksParent: true },
    { name: 'after one new node', creates: 1, linksParent: true },
    { name: 'after two new nodes', creates: 2, linksParent: true },
  ];

  it.each(cases)('completes a walk cut short $name', async ({ creates, linksParent }) => {
    const collection = uniqueName('images');
    const store = await serverStore(collection);
    const db = testDatabase.db();
    const nodes = db.collection<ChainNodeDocument>(`${collection}Chains`);
    const base = makeImageRecord({ layers: randomLayers(2) });
    const image = makeImageRecord({ layers: [...base.image.layers, ...randomLayers(3)] });
    await store.upsert(base);
    // The image document is stored, and the tree update stops part way, as after a crash.
    await db.collection<ImageDocument>(collection).insertOne(toImageDocument(image));
    const locks = new ImageWriteLocks(db.collection<LockDocument>(`${collection}ChainsLocks`));
    const inner = store.lockWrites
      ? new LockedNodeWriter(nodes, locks)
      : new AtomicNodeWriter(nodes);
    const cut = new ChainTree(nodes, crashingWriter(inner, creates, linksParent));
    await expect(cut.add('blob', image.blobChains, image.image.digest)).rejects.toThrow('crash');
    const ofBase = () => collect(store.findDescendants('blob', base.blobChains[1] ?? '', 2));
    expect(await ofBase()).toEqual([]);

    expect(await store.upsert(image)).toBe('unchanged');

    expect(await ofBase()).toEqual([image.image.digest]);
    const top = await nodes.findOne({ _id: chainNodeId('blob', image.blobChains[4] ?? '') });
    expect(top?.images).toEqual([image.image.digest]);
  });
});

describe('MongoImageStore.rebuildDescendantIndex', () => {
  it('adds images stored before the tree existed', async () => {
    const collection = uniqueName('images');
    const store = await serverStore(collection);
    const base = makeImageRecord();
    const children = [1, 2].map(() =>
      makeImageRecord({ layers: [...base.image.layers, ...randomLayers(2)] }),
    );
    const documents = [base, ...children].map(toImageDocument);
    await testDatabase.db().collection<ImageDocument>(collection).insertMany(documents);
    const ofBase = () => collect(store.findDescendants('diffId', base.diffIdChains?.[2] ?? '', 3));
    expect(await ofBase()).toEqual([]);

    let reported = 0;
    expect(await store.rebuildDescendantIndex(() => (reported += 1))).toBe(3);
    expect(await store.rebuildDescendantIndex()).toBe(3);

    expect(reported).toBe(3);
    expect((await ofBase()).sort()).toEqual(children.map((child) => child.image.digest).sort());
  });
});
