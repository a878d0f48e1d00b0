import { emptyPrefixFlags } from '../empty-layers.ts';
import type { ImageRecord } from '../model/image.ts';
import type { IndexedChain } from '../ports/chain-index.ts';

/** One chain-index query and the layer count of the prefix it names. */
export interface PrefixQuery {
  query: IndexedChain;
  layerCount: number;
}

/**
 * Lists the chain-index queries for every prefix of an image: the blob chain of each prefix and,
 * when the image has diff IDs, its ChainID. Prefixes made only of empty layers are left out,
 * because they are no evidence of relation. At most two queries per layer.
 */
export function ancestryQueries(record: ImageRecord): PrefixQuery[] {
  const emptyPrefix = emptyPrefixFlags(record.image.layers);
  const queries: PrefixQuery[] = [];
  record.blobChains.forEach((chainId, position) => {
    if (emptyPrefix[position] === true) {
      return;
    }

    const layerCount = position + 1;
    queries.push({ query: { kind: 'blob', chainId }, layerCount });
    const diffIdChain = record.diffIdChains?.[position];
    if (diffIdChain !== undefined) {
      queries.push({ query: { kind: 'diffId', chainId: diffIdChain }, layerCount });
    }
  });

  return queries;
}
