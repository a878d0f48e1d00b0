import {
  chooseComparisonImage,
  compareFindings,
  deriveAncestry,
  findDescendantDigests,
  isDescendant,
  StrataError,
  type Ancestry,
  type BaseComparison,
  type ChainIndex,
  type ComparisonRequest,
  type Digest,
  type ImageRecord,
  type ImageStore,
} from '@strata/core';

/** The stored state a query reads. */
export interface QueryPorts {
  store: ImageStore;
  index: ChainIndex;
}

/** Derives an image's ancestry from the stored images, as the ancestry worker does. */
export function queryAncestry(ports: QueryPorts, record: ImageRecord): Promise<Ancestry> {
  return deriveAncestry(record, ports.index, (digests) => ports.store.getMany(digests));
}

/** An image built on the queried one, with the digest of its nearest relative in the set. */
export interface Descendant {
  record: ImageRecord;
  /** The queried image or another descendant: the one with most layers it extends. */
  parent: Digest;
}

/**
 * Finds the stored descendants of an image with `ImageStore.findDescendants`, keeps those the
 * ancestry rules accept, and gives each its parent within the result, nearest first.
 */
export async function queryDescendants(
  ports: QueryPorts,
  record: ImageRecord,
): Promise<Descendant[]> {
  const digests: Digest[] = [];
  const find = (kind: 'blob' | 'diffId', chainId: Digest, layerCount: number) =>
    ports.store.findDescendants(kind, chainId, layerCount);
  for await (const digest of findDescendantDigests(record, find)) digests.push(digest);

  const found = (await ports.store.getMany(digests))
    .filter((candidate) => isDescendant(candidate, record))
    .sort((a, b) => a.blobChains.length - b.blobChains.length || compare(a, b));

  return found.map((candidate) => {
    const closer = found.filter(
      (other) =>
        other.blobChains.length < candidate.blobChains.length && isDescendant(candidate, other),
    );
    const parent = closer.at(-1)?.image.digest ?? record.image.digest;

    return { record: candidate, parent };
  });
}

function compare(a: ImageRecord, b: ImageRecord): number {
  if (a.image.digest === b.image.digest) return 0;

  return a.image.digest < b.image.digest ? -1 : 1;
}

/**
 * Compares an image's findings with those of the requested image (default: the nearest marked
 * base, else the base). Raises `NOT_FOUND` when there is no such image.
 */
export async function queryComparison(
  ports: QueryPorts,
  record: ImageRecord,
  request: ComparisonRequest,
): Promise<BaseComparison> {
  const ancestry = await queryAncestry(ports, record);
  const target = chooseComparisonImage(ancestry, request);
  if (target === null) {
    throw new StrataError(
      'NOT_FOUND',
      `image ${record.image.digest} has no ${request.relation === 'default' ? 'base' : request.relation} to compare with`,
      { details: { imageDigest: record.image.digest, relation: request.relation } },
    );
  }

  const compared = await ports.store.get(target.digest);
  if (compared === null) {
    throw new StrataError('NOT_FOUND', `comparison image ${target.digest} is not stored`, {
      details: { imageDigest: target.digest },
    });
  }

  return compareFindings(record, compared, target);
}
