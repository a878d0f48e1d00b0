import type { ImageStore } from '@strata/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContractFactory, ContractFixture } from './fixtures.ts';
import { collect, makeImageRecord, randomDigest, randomLayers } from './fixtures.ts';

/** Cases every `ImageStore` passes; `factory` gives each test an empty store of its own. */
export function imageStoreContract(name: string, factory: ContractFactory<ImageStore>): void {
  describe(`${name} image store`, () => {
    let fixture: ContractFixture<ImageStore>;
    let store: ImageStore;

    beforeEach(async () => {
      fixture = await factory();
      store = fixture.subject;
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    describeUpsert(() => store);
    describeQueries(() => store);
  });
}

function describeUpsert(getStore: () => ImageStore): void {
  it('inserts and reads back every field', async () => {
    const record = makeImageRecord();
    record.image.indexDigest = randomDigest();
    record.image.configDigest = randomDigest();
    record.archive = { key: 'analyses/a.json', sha256: 'ab'.repeat(32) };

    expect(await getStore().upsert(record)).toBe('inserted');
    expect(await getStore().get(record.image.digest)).toEqual(record);
  });

  it('keeps a record without diff IDs', async () => {
    const record = makeImageRecord({ layers: randomLayers(2, false) });

    await getStore().upsert(record);

    expect((await getStore().get(record.image.digest))?.diffIdChains).toBeNull();
  });

  it('leaves a redelivered analysis unchanged', async () => {
    const record = makeImageRecord();
    await getStore().upsert(record);

    expect(await getStore().upsert(record)).toBe('unchanged');
    expect(await getStore().count()).toBe(1);
  });

  it('treats the same instant in another form as unchanged', async () => {
    const record = makeImageRecord({ analyzedAt: '2026-01-31T12:00:00Z' });
    await getStore().upsert(record);
    const same = { ...record, analyzedAt: '2026-01-31T13:00:00.000+01:00', vulnerabilities: [] };

    expect(await getStore().upsert(same)).toBe('unchanged');
    expect((await getStore().get(record.image.digest))?.analyzedAt).toBe(record.analyzedAt);
  });

  it('replaces the record with a newer analysis', async () => {
    const record = makeImageRecord({ analyzedAt: '2026-01-31T12:00:00Z' });
    await getStore().upsert(record);
    const newer = { ...record, analyzedAt: '2026-01-31T12:00:00.5Z', vulnerabilities: [] };

    expect(await getStore().upsert(newer)).toBe('updated');
    expect(await getStore().get(record.image.digest)).toEqual(newer);
  });

  it('rejects an older analysis as stale', async () => {
    const record = makeImageRecord({ analyzedAt: '2026-02-01T00:00:00Z' });
    await getStore().upsert(record);
    const older = { ...record, analyzedAt: '2026-01-31T23:59:59.999999Z', vulnerabilities: [] };

    expect(await getStore().upsert(older)).toBe('stale');
    expect(await getStore().get(record.image.digest)).toEqual(record);
  });

  it('keeps the newest of concurrent upserts', async () => {
    const digest = randomDigest();
    const layers = randomLayers(3);
    const times = [3, 7, 1, 9, 5, 2, 8, 4, 6, 0].map((s) => `2026-03-01T10:00:0${s}Z`);
    const records = times.map((analyzedAt) => makeImageRecord({ digest, layers, analyzedAt }));

    const outcomes = await Promise.all(records.map((record) => getStore().upsert(record)));

    expect(outcomes.filter((outcome) => outcome === 'inserted')).toHaveLength(1);
    expect(outcomes).not.toContain('unchanged');
    expect((await getStore().get(digest))?.analyzedAt).toBe('2026-03-01T10:00:09Z');
  });

  it('inserts once among concurrent equal upserts', async () => {
    const record = makeImageRecord();

    const outcomes = await Promise.all(Array.from({ length: 8 }, () => getStore().upsert(record)));

    expect(outcomes.filter((outcome) => outcome === 'inserted')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'unchanged')).toHaveLength(7);
    expect(await getStore().count()).toBe(1);
  });

  it('keeps a base mark across a newer analysis', async () => {
    const record = makeImageRecord({ analyzedAt: '2026-01-01T00:00:00Z' });
    await getStore().upsert(record);
    expect(await getStore().setMarkedBase(record.image.digest, true)).toBe(true);

    await getStore().upsert({ ...record, analyzedAt: '2026-01-02T00:00:00Z' });
    expect((await getStore().get(record.image.digest))?.markedBase).toBe(true);

    expect(await getStore().setMarkedBase(record.image.digest, false)).toBe(true);
    expect((await getStore().get(record.image.digest))?.markedBase).toBe(false);
  });

  it('reports marking a missing image', async () => {
    expect(await getStore().setMarkedBase(randomDigest(), true)).toBe(false);
  });

  it('deletes and returns the record', async () => {
    const record = makeImageRecord();
    await getStore().upsert(record);

    expect(await getStore().delete(record.image.digest)).toEqual(record);
    expect(await getStore().get(record.image.digest)).toBeNull();
    expect(await getStore().delete(record.image.digest)).toBeNull();
    expect(await getStore().upsert(record)).toBe('inserted');
  });
}

function describeQueries(getStore: () => ImageStore): void {
  it('finds descendants by chain and position', async () => {
    const layers = randomLayers(5);
    const base = makeImageRecord({ layers: layers.slice(0, 2) });
    const alias = makeImageRecord({ layers: layers.slice(0, 2) });
    const child = makeImageRecord({ layers: layers.slice(0, 4) });
    const grandchild = makeImageRecord({ layers });
    const unrelated = makeImageRecord({ layers: randomLayers(4) });
    const blobOnly = makeImageRecord({
      layers: [
        ...layers.slice(0, 2).map((layer) => ({ digest: layer.digest })),
        ...randomLayers(1),
      ],
    });
    for (const record of [base, alias, child, grandchild, unrelated, blobOnly]) {
      await getStore().upsert(record);
    }

    const byDiffId = await collect(
      getStore().findDescendants('diffId', base.diffIdChains?.[1] ?? '', 2),
    );
    const byBlob = await collect(getStore().findDescendants('blob', base.blobChains[1] ?? '', 2));
    const ofChild = await collect(getStore().findDescendants('blob', child.blobChains[3] ?? '', 4));

    const digests = (...records: (typeof base)[]) => records.map((r) => r.image.digest).sort();
    expect(byDiffId.sort()).toEqual(digests(child, grandchild));
    expect(byBlob.sort()).toEqual(digests(child, grandchild, blobOnly));
    expect(ofChild).toEqual(digests(grandchild));
  });

  it('drops deleted and re-analysed descendants', async () => {
    const layers = randomLayers(3);
    const base = makeImageRecord({ layers: layers.slice(0, 1) });
    const child = makeImageRecord({ layers, analyzedAt: '2026-01-01T00:00:00Z' });
    const deleted = makeImageRecord({ layers: [...layers.slice(0, 1), ...randomLayers(1)] });
    for (const record of [base, child, deleted]) {
      await getStore().upsert(record);
    }
    const blobOnly = makeImageRecord({
      digest: child.image.digest,
      layers: layers.map((layer) => ({ digest: layer.digest })),
      analyzedAt: '2026-01-02T00:00:00Z',
    });

    await getStore().delete(deleted.image.digest);
    expect(await getStore().upsert(blobOnly)).toBe('updated');

    const byBlob = await collect(getStore().findDescendants('blob', base.blobChains[0] ?? '', 1));
    const byDiffId = await collect(
      getStore().findDescendants('diffId', base.diffIdChains?.[0] ?? '', 1),
    );
    expect(byBlob).toEqual([child.image.digest]);
    expect(byDiffId).toEqual([]);
  });

  it('finds no descendants of a leaf', async () => {
    const leaf = makeImageRecord();
    await getStore().upsert(leaf);

    const found = await collect(getStore().findDescendants('blob', leaf.blobChains[2] ?? '', 3));

    expect(found).toEqual([]);
  });

  it('rejects a layer count below one', async () => {
    const descendants = collect(getStore().findDescendants('blob', randomDigest(), 0));

    await expect(descendants).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('lists in digest order and resumes', async () => {
    const records = Array.from({ length: 7 }, () => makeImageRecord());
    for (const record of records) {
      await getStore().upsert(record);
    }
    const sorted = records.map((record) => record.image.digest).sort();

    const all = await collect(getStore().list());
    const rest = await collect(getStore().list({ afterDigest: sorted[2] }));

    expect(all.map((record) => record.image.digest)).toEqual(sorted);
    expect(rest.map((record) => record.image.digest)).toEqual(sorted.slice(3));
  });

  it('streams more images than one cursor batch', async () => {
    const records = Array.from({ length: 250 }, () => makeImageRecord({ layers: randomLayers(1) }));
    await Promise.all(records.map((record) => getStore().upsert(record)));

    const listed = await collect(getStore().list());

    expect(listed.map((record) => record.image.digest)).toEqual(
      records.map((record) => record.image.digest).sort(),
    );
  });

  it('lists by analysis time and digest', async () => {
    const early = makeImageRecord({ analyzedAt: '2026-01-01T00:00:00Z' });
    const middle = makeImageRecord({ analyzedAt: '2026-01-02T00:00:00+02:00' });
    const late = makeImageRecord({ analyzedAt: '2026-01-03T00:00:00Z' });
    for (const record of [early, middle, late]) {
      await getStore().upsert(record);
    }
    const query = { analyzedFrom: '2026-01-01T22:00:00Z', analyzedTo: '2026-01-03T00:00:00Z' };

    const inRange = await collect(getStore().list(query));
    const chosen = await collect(
      getStore().list({ digests: [early.image.digest, randomDigest()] }),
    );

    expect(inRange.map((record) => record.image.digest)).toEqual([middle.image.digest]);
    expect(chosen.map((record) => record.image.digest)).toEqual([early.image.digest]);
  });

  it('gets many and counts', async () => {
    const first = makeImageRecord();
    const second = makeImageRecord();
    await getStore().upsert(first);
    await getStore().upsert(second);

    const found = await getStore().getMany([second.image.digest, randomDigest()]);

    expect(found).toEqual([second]);
    expect(await getStore().getMany([])).toEqual([]);
    expect(await getStore().count()).toBe(2);
  });
}
