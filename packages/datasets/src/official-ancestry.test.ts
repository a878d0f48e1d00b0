import { processAnalyses, type AncestryEvent } from '@strata/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { expectedAncestry, officialImageEvents, officialImages } from './official-images.ts';

const refByDigest = new Map(officialImages().map((image) => [image.manifestDigest, image.ref]));

function refOf(digest: string): string {
  const ref = refByDigest.get(digest);
  if (ref === undefined) throw new Error(`unknown digest ${digest}`);

  return ref;
}

async function ancestryByRef(events: ReturnType<typeof officialImageEvents>) {
  const { messages } = await processAnalyses(events);
  const results = new Map<string, AncestryEvent>();
  for (const message of messages) {
    if (message.topic === 'image.ancestry') {
      results.set(refOf(message.key), message.value as AncestryEvent);
    }
  }

  return results;
}

describe('official images ancestry', () => {
  it('matches expected.json for every image', async () => {
    const expected = expectedAncestry();
    const results = await ancestryByRef(officialImageEvents());

    expect([...results.keys()].sort()).toEqual(Object.keys(expected).sort());
    for (const [ref, want] of Object.entries(expected)) {
      const got = results.get(ref);
      expect(
        got?.ancestors.map((ancestor) => refOf(ancestor.digest)),
        ref,
      ).toEqual(want.ancestors);
      expect(got?.parent === null ? null : refOf(got?.parent?.digest ?? ''), ref).toBe(want.parent);
      expect(got?.base === null ? null : refOf(got?.base?.digest ?? ''), ref).toBe(want.base);
      expect(got?.aliases, ref).toEqual([]);
    }
  });

  it('gives the same output in any input order', async () => {
    const events = officialImageEvents();
    const reference = JSON.stringify((await processAnalyses(events)).messages);
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(events, { minLength: events.length }), async (order) => {
        const output = JSON.stringify((await processAnalyses(order)).messages);
        expect(output).toBe(reference);
      }),
      { seed: 20260131, numRuns: 25 },
    );
  });
});
