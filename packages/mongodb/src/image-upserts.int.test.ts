import { collect, makeImageRecord, randomDigest, uniqueName } from '@strata/contract-tests';
import { findDescendantsIn } from '@strata/core';
import type { ImageRecord } from '@strata/core';
import type { Collection } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { AtomicNodeWriter } from './chain-node-writer.ts';
import type { ChainNodeDocument } from './chain-node-writer.ts';
import { ChainTree } from './chain-tree.ts';
import type { StoredChains } from './chain-tree.ts';
import { toImageDocument } from './image-document.ts';
import type { ImageDocument } from './image-document.ts';
import { ImageUpserts } from './image-upserts.ts';
import { useTestDatabase } from './test-database.ts';

const testDatabase = useTestDatabase();

/** A chain tree whose first `addImage` of an image without diff IDs waits for `release`. */
class HeldTree extends ChainTree {
  readonly #release: Promise<void>;
  #held = false;

  constructor(nodes: Collection<ChainNodeDocument>, release: Promise<void>) {
    super(nodes, new AtomicNodeWriter(nodes));
    this.#release = release;
  }

  override async addImage(stored: StoredChains): Promise<void> {
    if (stored.diffIdChains === null && !this.#held) {
      this.#held = true;
      await this.#release;
    }
    await super.addImage(stored);
  }
}

describe('ImageUpserts.conditional', () => {
  it('keeps the newest chains after two overlapping reanalyses', async () => {
    const name = uniqueName('images');
    const db = testDatabase.db();
    const images = db.collection<ImageDocument>(name, { ignoreUndefined: true });
    const nodes = db.collection<ChainNodeDocument>(`${name}Chains`);
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const upserts = new ImageUpserts(images, new HeldTree(nodes, released));
    const digest = randomDigest();
    const first = makeImageRecord({ digest, analyzedAt: '2026-01-01T00:00:00Z' });
    const layers = first.image.layers;
    const withoutDiffIds = layers.map((layer) => ({ digest: layer.digest }));
    const second = makeImageRecord({
      digest,
      layers: withoutDiffIds,
      analyzedAt: '2026-01-02T00:00:00Z',
    });
    const third = makeImageRecord({ digest, layers, analyzedAt: '2026-01-03T00:00:00Z' });
    expect(await upserts.conditional(toImageDocument(first))).toBe('inserted');

    // The second analysis replaces the first and then waits before its tree update, while the
    // third replaces it and finishes its own tree update.
    const secondUpsert = upserts.conditional(toImageDocument(second));
    await waitForStored(images, second);
    expect(await upserts.conditional(toImageDocument(third))).toBe('updated');
    release();
    expect(await secondUpsert).toBe('updated');

    const chainId = third.diffIdChains?.[0] ?? '';
    const expected = findDescendantsIn([third], 'diffId', chainId, 1);
    const tree = new ChainTree(nodes, new AtomicNodeWriter(nodes));
    expect(expected).toEqual([digest]);
    expect(await collect(tree.descendants('diffId', chainId, 1))).toEqual(expected);
  });
});

/** Polls until the stored document has the analysis time of `record`. */
async function waitForStored(images: Collection<ImageDocument>, record: ImageRecord) {
  for (;;) {
    const stored = await images.findOne({ _id: record.image.digest });
    if (stored?.analyzedAt === toImageDocument(record).analyzedAt) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
