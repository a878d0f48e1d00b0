import type { AnalyzedEvent } from '@strata/core';
import { expectedAncestry, officialImageEvents, officialImages } from '@strata/datasets';
import type { LatestResult } from './result-collector.ts';

/** The expected parent, base and ancestors (nearest first) of one image, by digest. */
export interface ExpectedImage {
  tag: string;
  parent: string | null;
  base: string | null;
  ancestors: string[];
}

/** Expected ancestry of the 16 official images, keyed by manifest digest. */
export function officialExpectations(): Map<string, ExpectedImage> {
  const digests = new Map(officialImages().map((image) => [image.ref, image.manifestDigest]));
  const digestOf = (tag: string) => {
    const digest = digests.get(tag);
    if (digest === undefined) {
      throw new Error(`expected.json names ${tag}, which images.json does not list`);
    }

    return digest;
  };
  const expected = new Map<string, ExpectedImage>();
  for (const [tag, ancestry] of Object.entries(expectedAncestry())) {
    expected.set(digestOf(tag), {
      tag,
      parent: ancestry.parent === null ? null : digestOf(ancestry.parent),
      base: ancestry.base === null ? null : digestOf(ancestry.base),
      ancestors: ancestry.ancestors.map(digestOf),
    });
  }

  return expected;
}

interface AncestryBody {
  parent?: { digest?: string } | null;
  base?: { digest?: string } | null;
  ancestors?: { digest?: string }[];
}

/** Lists how the latest ancestry results differ from the expected ones; empty when equal. */
export function ancestryProblems(
  expected: ReadonlyMap<string, ExpectedImage>,
  latest: ReadonlyMap<string, LatestResult>,
): string[] {
  const problems: string[] = [];
  for (const [digest, image] of expected) {
    const body = latest.get(digest)?.value as AncestryBody | null | undefined;
    if (body === undefined || body === null) {
      problems.push(`${image.tag}: no ancestry result`);
      continue;
    }

    const actual = {
      parent: body.parent?.digest ?? null,
      base: body.base?.digest ?? null,
      ancestors: (body.ancestors ?? []).map((ancestor) => ancestor.digest),
    };
    const wanted = { parent: image.parent, base: image.base, ancestors: image.ancestors };
    if (JSON.stringify(actual) !== JSON.stringify(wanted)) {
      problems.push(
        `${image.tag}: expected ${JSON.stringify(wanted)}, got ${JSON.stringify(actual)}`,
      );
    }
  }

  return problems;
}

/** Returns a seeded pseudo-random generator (mulberry32), so a failing order can be rerun. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;

  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);

    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Tells whether some image comes before one of its expected ancestors in `events`. */
export function hasChildBeforeParent(
  events: readonly AnalyzedEvent[],
  expected: ReadonlyMap<string, ExpectedImage>,
): boolean {
  const position = new Map(events.map((event, index) => [event.image.digest, index]));

  return events.some((event, index) =>
    (expected.get(event.image.digest)?.ancestors ?? []).some(
      (ancestor) => (position.get(ancestor) ?? -1) > index,
    ),
  );
}

/**
 * Returns the official image events in a random order from `seed` that puts at least one image
 * before its ancestor: the shuffled order, or its reverse when the shuffle has none.
 */
export function shuffledOfficialEvents(seed: number): AnalyzedEvent[] {
  const random = seededRandom(seed);
  const events = officialImageEvents();
  for (let index = events.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [events[index], events[other]] = [
      events[other] as AnalyzedEvent,
      events[index] as AnalyzedEvent,
    ];
  }

  return hasChildBeforeParent(events, officialExpectations()) ? events : events.reverse();
}
