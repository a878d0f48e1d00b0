import type { ChainKind, Digest } from '../model/image.ts';

/** The full chain of one stored image: the chain of all of its layers. */
export interface IndexedChain {
  kind: ChainKind;
  chainId: Digest;
}

/**
 * Maps the full chain of every stored image to the images that have exactly that chain. A lookup
 * for all prefixes of one image costs one call, whatever the number of stored images.
 */
export interface ChainIndex {
  /** Adds an image under each of its full chains. Adding the same pair again changes nothing. */
  add(imageDigest: Digest, chains: readonly IndexedChain[]): Promise<void>;
  /** Removes an image from each of the given chains. Missing entries are ignored. */
  remove(imageDigest: Digest, chains: readonly IndexedChain[]): Promise<void>;
  /**
   * Returns, for each query in order, the digests of the images whose full chain of that kind
   * equals the query's chain ID, sorted ascending. One round trip for all queries. An index that
   * stores a fingerprint of the chain ID, such as the Redis one, also returns the images of chains
   * with the same fingerprint, so callers check each digest against its stored record.
   */
  lookup(queries: readonly IndexedChain[]): Promise<Digest[][]>;
  /** Number of indexed (chain, image) pairs; 0 means the index is empty and needs a rebuild. */
  size(): Promise<number>;
  /** Removes every entry. */
  clear(): Promise<void>;
}
