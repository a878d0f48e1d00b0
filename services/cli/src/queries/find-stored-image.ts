import { isDigest, StrataError, type ImageRecord, type ImageStore } from '@strata/core';

/**
 * Finds a stored image by digest, or by tag among the stored tags. Raises `NOT_FOUND` naming
 * the argument, and `CONFLICT` listing the digests when a tag names several images.
 */
export function findStoredImage(store: ImageStore, image: string): Promise<ImageRecord> {
  return isDigest(image) ? findByDigest(store, image) : findByTag(store, image);
}

async function findByDigest(store: ImageStore, digest: string): Promise<ImageRecord> {
  const record = await store.get(digest);
  if (record === null) throw notFound(digest);

  return record;
}

async function findByTag(store: ImageStore, image: string): Promise<ImageRecord> {
  // NOTE: the image store has no tag index, so a tag lookup reads every stored image; use a
  // digest on large stores.
  const matches: ImageRecord[] = [];
  for await (const record of store.list()) {
    if (record.image.tags.includes(image)) matches.push(record);
  }

  const [match, ...others] = matches;
  if (match === undefined) throw notFound(image);
  if (others.length > 0) {
    const digests = matches.map((record) => record.image.digest);
    throw new StrataError(
      'CONFLICT',
      `tag ${image} names ${matches.length} stored images (${digests.join(', ')}); give a digest`,
      { details: { tag: image, digests } },
    );
  }

  return match;
}

function notFound(image: string): StrataError {
  return new StrataError(
    'NOT_FOUND',
    `image ${image} is not stored; give a stored manifest digest or tag (strata publish adds images)`,
    { details: { image } },
  );
}
