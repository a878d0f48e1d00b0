import type { ChainKind, Digest } from './model/image.ts';
import type { ChainIndex, IndexedChain } from './ports/chain-index.ts';

/** The chain index in process memory: for tests, the offline command and embedded runs. */
export class InMemoryChainIndex implements ChainIndex {
  readonly #entries = new Map<string, Set<Digest>>();

  add(imageDigest: Digest, chains: readonly IndexedChain[]): Promise<void> {
    for (const chain of chains) {
      const key = entryKey(chain.kind, chain.chainId);
      const images = this.#entries.get(key) ?? new Set<Digest>();
      images.add(imageDigest);
      this.#entries.set(key, images);
    }

    return Promise.resolve();
  }

  remove(imageDigest: Digest, chains: readonly IndexedChain[]): Promise<void> {
    for (const chain of chains) {
      const key = entryKey(chain.kind, chain.chainId);
      const images = this.#entries.get(key);
      images?.delete(imageDigest);
      if (images?.size === 0) {
        this.#entries.delete(key);
      }
    }

    return Promise.resolve();
  }

  lookup(queries: readonly IndexedChain[]): Promise<Digest[][]> {
    const results = queries.map((query) => {
      const images = this.#entries.get(entryKey(query.kind, query.chainId));

      return images === undefined ? [] : [...images].sort();
    });

    return Promise.resolve(results);
  }

  size(): Promise<number> {
    let total = 0;
    for (const images of this.#entries.values()) {
      total += images.size;
    }

    return Promise.resolve(total);
  }

  clear(): Promise<void> {
    this.#entries.clear();

    return Promise.resolve();
  }
}

function entryKey(kind: ChainKind, chainId: Digest): string {
  return `${kind} ${chainId}`;
}
