import type { BaseHint } from '../events/ancestry-event.ts';
import type { Digest, ImageRecord } from '../model/image.ts';

export const BASE_NAME_ANNOTATION = 'org.opencontainers.image.base.name';
export const BASE_DIGEST_ANNOTATION = 'org.opencontainers.image.base.digest';

/** Returns the digest an image's annotations name as its base, if any. */
export function hintedBaseDigest(record: ImageRecord): Digest | undefined {
  return record.image.annotations[BASE_DIGEST_ANNOTATION];
}

/**
 * Checks the base annotations of an image against the ancestors found from its layers. A stored
 * hinted digest is `confirmed` when it is one of the ancestors and `contradicted` otherwise. A
 * hinted digest that is not stored is `confirmed` when it is the index digest of an ancestor,
 * because an index digest stands for its platform images. A hinted name is `confirmed` when an
 * ancestor carries that tag. Anything else is `unknown`. Returns undefined when there is no
 * annotation.
 */
export function checkBaseHint(
  record: ImageRecord,
  ancestors: readonly { digest: Digest; tags: readonly string[]; indexDigest?: Digest }[],
  hintedRecord: ImageRecord | undefined,
): BaseHint | undefined {
  const name = record.image.annotations[BASE_NAME_ANNOTATION];
  const digest = hintedBaseDigest(record);
  if (name === undefined && digest === undefined) {
    return undefined;
  }

  const hint: BaseHint = { status: 'unknown' };
  if (name !== undefined) hint.name = name;
  if (digest !== undefined) hint.digest = digest;
  // A stored image is a platform image, never an index, so an ancestor that names it as its
  // index digest cannot confirm it. The stored image's own place among the ancestors decides.
  if (digest !== undefined && hintedRecord !== undefined) {
    const isAncestor = ancestors.some((ancestor) => ancestor.digest === digest);
    hint.status = isAncestor ? 'confirmed' : 'contradicted';

    return hint;
  }

  if (digest !== undefined && ancestors.some((ancestor) => ancestor.indexDigest === digest)) {
    hint.status = 'confirmed';

    return hint;
  }

  // NOTE: a name-only hint is never reported as contradicted, because checking it would need a
  // lookup by tag, which the chain index does not offer.
  if (name !== undefined && ancestors.some((ancestor) => ancestor.tags.includes(name))) {
    hint.status = 'confirmed';
  }

  return hint;
}
