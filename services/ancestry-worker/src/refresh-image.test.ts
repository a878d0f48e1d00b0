import { indexedChains } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { refreshImage, retractResults } from './refresh-image.ts';
import {
  collectTopic,
  latestByKey,
  recordOf,
  storeImage,
  testContext,
  waitUntil,
} from './test-support.ts';

describe('refreshImage', () => {
  it('retracts results of an image deleted while published', async () => {
    const context = testContext();
    const { ancestry } = context.settings.topics;
    const base = recordOf({ name: 'base', layers: ['a'] });
    const child = recordOf({ name: 'child', layers: ['a', 'b'] });
    const digest = child.image.digest;
    await storeImage(context, base);
    await storeImage(context, child);
    const next = context.versions.next.bind(context.versions);
    let deleted = false;
    // The image is deleted, and its results retracted, after its results were computed and
    // before they are published.
    context.versions.next = async (image, topic, hash) => {
      if (!deleted && image === digest && topic === ancestry) {
        deleted = true;
        await context.index.remove(digest, indexedChains(child));
        await context.store.delete(digest);
        await retractResults(context, digest);
      }

      return next(image, topic, hash);
    };
    const results = await collectTopic(context.bus, ancestry);

    expect(await refreshImage(context, digest, false)).toBeNull();

    await waitUntil(() => results.messages.some((message) => message.key === digest));
    const latest = latestByKey(results.messages).get(digest);
    await results.stop();
    expect(deleted).toBe(true);
    expect(latest?.value).toBeNull();
  });
});
