import type { ImageRecord } from '../model/image.ts';

/** The layer identity over which two images share a prefix: diff IDs or layer digests. */
export type MatchedBy = 'diffId' | 'layerDigest';

/**
 * Tells whether `candidate`'s full layer list equals the first `length` layers of `image`, and
 * over which identity. Diff-ID chains are compared when both images have diff IDs, and layer-digest
 * chains otherwise. A layer-digest match between two images that both carry diff IDs does not
 * count. Returns null when the prefixes differ or `candidate` has another layer count.
 */
export function matchPrefix(
  image: ImageRecord,
  candidate: ImageRecord,
  length: number,
): MatchedBy | null {
  if (candidate.blobChains.length !== length || length < 1 || length > image.blobChains.length) {
    return null;
  }

  if (image.diffIdChains !== null && candidate.diffIdChains !== null) {
    const same = candidate.diffIdChains[length - 1] === image.diffIdChains[length - 1];

    return same ? 'diffId' : null;
  }

  return candidate.blobChains[length - 1] === image.blobChains[length - 1] ? 'layerDigest' : null;
}
