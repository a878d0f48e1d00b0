import { analyzedEventSchema } from '@strata/core';
import type { ImageRecord } from '@strata/core';
import { InMemoryChainIndex, InMemoryImageStore } from '@strata/memory';
import { createMemoryLogger } from '@strata/runtime';
import { describe, expect, it } from 'vitest';
import { ChainIndexGuard } from './chain-index-guard.ts';
import { buildRecord } from './ingest-event.ts';
import { analyzedEvent } from './test-support.ts';

/** An in-memory index with a rebuild marker, as the Redis index keeps one. */
class MarkedChainIndex extends InMemoryChainIndex {
  built = false;
  rebuilds = 0;

  isBuilt(): Promise<boolean> {
    return Promise.resolve(this.built);
  }

  async rebuild(records: AsyncIterable<ImageRecord>): Promise<number> {
    await this.clear();
    let images = 0;
    for await (const record of records) {
      await this.add(record.image.digest, [
        { kind: 'blob', chainId: record.blobChains.at(-1) ?? '' },
      ]);
      images += 1;
    }
    this.built = true;
    this.rebuilds += 1;

    return images;
  }
}

async function storeWith(names: string[]): Promise<InMemoryImageStore> {
  const store = new InMemoryImageStore();
  for (const name of names) {
    await store.upsert(
      buildRecord(analyzedEventSchema.parse(analyzedEvent(name, 2)), undefined, 'a/'),
    );
  }

  return store;
}

function guardOf(
  store: InMemoryImageStore,
  index: InMemoryChainIndex,
  clock = () => 0,
  intervalMs = 0,
) {
  return new ChainIndexGuard({
    store,
    index,
    logger: createMemoryLogger().logger,
    intervalMs,
    clock,
  });
}

const signal = new AbortController().signal;

describe('ChainIndexGuard', () => {
  it('rebuilds an empty index from the store', async () => {
    const index = new InMemoryChainIndex();
    const rebuilt = await guardOf(await storeWith(['a', 'b']), index).ensure(signal);

    expect(rebuilt).toBe(true);
    expect(await index.size()).toBe(4);
  });

  it('leaves an empty index alone when the store is empty', async () => {
    expect(await guardOf(new InMemoryImageStore(), new InMemoryChainIndex()).ensure(signal)).toBe(
      false,
    );
  });

  it('leaves a filled index alone', async () => {
    const index = new InMemoryChainIndex();
    await index.add('sha256:x', [{ kind: 'blob', chainId: 'sha256:y' }]);

    expect(await guardOf(await storeWith(['a']), index).ensure(signal)).toBe(false);
  });

  it('uses the rebuild marker when the index has one', async () => {
    const index = new MarkedChainIndex();
    const guard = guardOf(await storeWith(['a', 'b', 'c']), index);
    const first = await guard.ensure(signal);
    const second = await guard.ensure(signal);

    expect(first).toBe(true);
    expect(second).toBe(false);
    expect(index.rebuilds).toBe(1);
    expect(await index.size()).toBe(3);
  });

  it('checks again only after the interval', async () => {
    let now = 0;
    const index = new InMemoryChainIndex();
    const store = await storeWith(['a']);
    const guard = guardOf(store, index, () => now, 1000);
    await guard.ensure(signal);
    await index.clear();
    now = 999;
    const early = await guard.ensure(signal);
    now = 1000;
    const due = await guard.ensure(signal);

    expect(early).toBe(false);
    expect(due).toBe(true);
  });
});
