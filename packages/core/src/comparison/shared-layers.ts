import type { Digest, ImageRecord } from '../model/image.ts';

/** The layers two images share from the bottom: their common prefix. */
export interface SharedLayers {
  count: number;
  diffIds: ReadonlySet<Digest>;
  digests: ReadonlySet<Digest>;
}

/**
 * Computes the common layer prefix of two images, position by position: diff IDs are compared
 * when both layers have one, layer digests otherwise. Returns the shared layers of `image`.
 */
export function sharedLayers(image: ImageRecord, other: ImageRecord): SharedLayers {
  const mine = image.image.layers;
  const theirs = other.image.layers;
  const diffIds = new Set<Digest>();
  const digests = new Set<Digest>();
  let count = 0;
  while (count < mine.length && count < theirs.length) {
    const a = mine[count];
    const b = theirs[count];
    if (a === undefined || b === undefined || !sameLayer(a, b)) {
      break;
    }

    digests.add(a.digest);
    if (a.diffId !== undefined) diffIds.add(a.diffId);
    count += 1;
  }

  return { count, diffIds, digests };
}

function sameLayer(a: { digest: Digest; diffId?: Digest }, b: { digest: Digest; diffId?: Digest }) {
  if (a.diffId !== undefined && b.diffId !== undefined) {
    return a.diffId === b.diffId;
  }

  return a.digest === b.digest;
}
