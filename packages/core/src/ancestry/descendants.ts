import { emptyPrefixFlags } from '../empty-layers.ts';
import type { ChainKind, Digest, ImageRecord } from '../model/image.ts';
import { matchPrefix } from './prefix-match.ts';

/** One `ImageStore.findDescendants` query. */
export interface DescendantQuery {
  kind: ChainKind;
  chainId: Digest;
  layerCount: number;
}

/** Streams stored images with more than `layerCount` layers whose prefix chain matches. */
export type DescendantFinder = (
  kind: ChainKind,
  chainId: Digest,
  layerCount: number,
) => AsyncIterable<Digest>;

/**
 * Lists the store queries that find the descendants of a newly stored image: its full blob chain
 * and, when it has diff IDs, its full ChainID, each at its layer count. An image made only of
 * empty layers has no descendants, so the list is empty.
 */
export function descendantQueries(record: ImageRecord): DescendantQuery[] {
  const layerCount = record.blobChains.length;
  if (emptyPrefixFlags(record.image.layers).at(-1) !== false) {
    return [];
  }

  const queries: DescendantQuery[] = [];
  const blob = record.blobChains.at(-1);
  if (blob !== undefined) queries.push({ kind: 'blob', chainId: blob, layerCount });
  const diffId = record.diffIdChains?.at(-1);
  if (diffId !== undefined) queries.push({ kind: 'diffId', chainId: diffId, layerCount });

  return queries;
}

/**
 * Yields, once each and in the order found, the digests of the stored images whose ancestry may
 * change because `record` was stored. They are candidates to recompute: a recompute derives the
 * exact result, so an image that the diff-ID rule excludes costs only one extra recompute.
 */
export async function* findDescendantDigests(
  record: ImageRecord,
  findDescendants: DescendantFinder,
): AsyncGenerator<Digest> {
  const seen = new Set<Digest>([record.image.digest]);
  for (const query of descendantQueries(record)) {
    for await (const digest of findDescendants(query.kind, query.chainId, query.layerCount)) {
      if (!seen.has(digest)) {
        seen.add(digest);
        yield digest;
      }
    }
  }
}

/** Tells whether `candidate` is a descendant of `record` under the ancestry rules. */
export function isDescendant(candidate: ImageRecord, record: ImageRecord): boolean {
  const layerCount = record.blobChains.length;
  if (candidate.blobChains.length <= layerCount) {
    return false;
  }

  if (emptyPrefixFlags(record.image.layers).at(-1) !== false) {
    return false;
  }

  return matchPrefix(candidate, record, layerCount) !== null;
}

/**
 * Reference implementation of `ImageStore.findDescendants` over records in memory: the stored
 * images with more than `layerCount` layers whose prefix chain of that kind at position
 * `layerCount - 1` is `chainId`, in ascending digest order.
 */
export function findDescendantsIn(
  records: Iterable<ImageRecord>,
  kind: ChainKind,
  chainId: Digest,
  layerCount: number,
): Digest[] {
  const found: Digest[] = [];
  for (const record of records) {
    const chains = kind === 'blob' ? record.blobChains : record.diffIdChains;
    if (chains !== null && chains.length > layerCount && chains[layerCount - 1] === chainId) {
      found.push(record.image.digest);
    }
  }

  return found.sort();
}
