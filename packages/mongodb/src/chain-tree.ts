import type { ChainKind, Digest } from '@strata/core';
import type { Collection } from 'mongodb';
import type { ChainNodeDocument, ChainNodeWriter, NodeAddition } from './chain-node-writer.ts';
import type { ImageDocument } from './image-document.ts';

/** Max node reads in flight while `add` or `descendants` walks the tree. */
const NODE_READ_CONCURRENCY = 16;

/** The fields of a stored image that place it in the chain tree. */
export type StoredChains = Pick<ImageDocument, '_id' | 'blobChains' | 'diffIdChains'>;

/** Projection that reads `StoredChains`. */
export const STORED_CHAINS = { blobChains: 1, diffIdChains: 1 } as const;

type ChainList = [ChainKind, readonly Digest[]];

/** Lists the image's chain lists by kind. An image without diff IDs has only blob chains. */
function chainLists(stored: StoredChains): ChainList[] {
  const lists: ChainList[] = [['blob', stored.blobChains]];
  if (stored.diffIdChains !== null) lists.push(['diffId', stored.diffIdChains]);

  return lists;
}

/** Returns the `_id` of the node of `chainId`. */
export function chainNodeId(kind: ChainKind, chainId: Digest): string {
  return `${kind === 'blob' ? 'b' : 'd'}:${chainId}`;
}

/**
 * The prefix tree of the stored images' chains, one tree per chain kind, read and written only
 * by `_id`. A ChainID covers its whole prefix, so each node has one parent: the node of the chain
 * one layer shorter. A node lists the next-layer chains below it (`children`) and the images whose
 * full chain it is (`images`).
 *
 * A node is created only after its parent lists it, so every node that exists is reachable from
 * its root. An interrupted `add` leaves a parent listing a child that does not exist yet, which
 * readers skip and the next `add` of the same image completes. Nodes are never deleted; a node
 * whose images were all deleted stays and costs one read per walk that passes it.
 */
export class ChainTree {
  readonly #nodes: Collection<ChainNodeDocument>;
  readonly #writer: ChainNodeWriter;

  constructor(nodes: Collection<ChainNodeDocument>, writer: ChainNodeWriter) {
    this.#nodes = nodes;
    this.#writer = writer;
  }

  /**
   * Adds `digest` to the node of its full chain, `chains.at(-1)`, and creates the missing nodes
   * of its prefixes from the root down. Does nothing when the node lists the image already, so
   * a redelivered image costs one read per kind.
   */
  async add(kind: ChainKind, chains: readonly Digest[], digest: Digest): Promise<void> {
    const path = chains.map((chainId, index) => ({
      id: chainNodeId(kind, chainId),
      chainId,
      layerCount: index + 1,
    }));
    const top = path.at(-1);
    if (top === undefined) {
      return;
    }

    const topNode = await this.#nodes.findOne({ _id: top.id }, { projection: { images: 1 } });
    if (topNode !== null) {
      if (!topNode.images.includes(digest)) {
        await this.#writer.add({ id: top.id, layerCount: top.layerCount, image: digest });
      }
      return;
    }

    const existing = await this.#deepestExisting(path.slice(0, -1));
    const parent = path[existing];
    if (parent !== undefined) {
      const child = chains[existing + 1];
      await this.#writer.add({ id: parent.id, layerCount: parent.layerCount, child });
    }

    const missing = path.slice(existing + 1);
    await this.#createInOrder(
      missing.map((node, offset) => ({
        id: node.id,
        layerCount: node.layerCount,
        child: missing[offset + 1]?.chainId,
        image: offset === missing.length - 1 ? digest : undefined,
      })),
    );
  }

  /** Adds the image under each of its chain lists. */
  async addImage(stored: StoredChains): Promise<void> {
    const additions = chainLists(stored).map(([kind, chains]) =>
      this.add(kind, chains, stored._id),
    );
    await Promise.all(additions);
  }

  /** Removes the image from the nodes of its full chains. */
  removeImage(stored: StoredChains): Promise<void> {
    return this.#removeFrom(stored._id, chainLists(stored));
  }

  /** Removes the image from the nodes of its full chains that `next` no longer has. */
  removeMovedChains(previous: StoredChains, next: StoredChains): Promise<void> {
    const nextTops = new Map(chainLists(next).map(([kind, chains]) => [kind, chains.at(-1)]));
    const moved = chainLists(previous).filter(
      ([kind, chains]) => chains.at(-1) !== nextTops.get(kind),
    );

    return this.#removeFrom(previous._id, moved);
  }

  async #removeFrom(digest: Digest, lists: readonly ChainList[]): Promise<void> {
    const tops = lists.flatMap(([kind, chains]) => chains.slice(-1).map((top) => ({ kind, top })));
    const removals = tops.map(({ kind, top }) =>
      this.#writer.removeImage(chainNodeId(kind, top), digest),
    );
    await Promise.all(removals);
  }

  /**
   * Streams the images of every node strictly below the node of `chainId`, when that node covers
   * `layerCount` layers. Each image is listed in one node per kind, so each is yielded once, in
   * no fixed order. Reads up to `NODE_READ_CONCURRENCY` nodes at a time and keeps in memory only
   * the ChainIDs of the nodes still to read, not the subtree.
   */
  async *descendants(kind: ChainKind, chainId: Digest, layerCount: number): AsyncGenerator<Digest> {
    const root = await this.#read(chainNodeId(kind, chainId));
    if (root === null || root.layerCount !== layerCount) {
      return;
    }

    const pending = [...root.children];
    const reads = new Map<number, Promise<NodeRead>>();
    let started = 0;
    while (pending.length > 0 || reads.size > 0) {
      for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
        const key = started++;
        reads.set(key, settle(key, this.#read(chainNodeId(kind, id))));
        if (reads.size >= NODE_READ_CONCURRENCY) break;
      }

      const read = await Promise.race(reads.values());
      reads.delete(read.key);
      if ('error' in read) {
        throw read.error;
      }

      if (read.node !== null) {
        pending.push(...read.node.children);
        yield* read.node.images;
      }
    }
  }

  /**
   * Returns the index of the deepest node of `path` that exists, or -1 when none does. Reads up
   * to `NODE_READ_CONCURRENCY` nodes at a time, from the deepest up, so an image that adds fewer
   * layers than that to a stored prefix costs one round trip.
   */
  async #deepestExisting(path: readonly { id: string }[]): Promise<number> {
    for (let end = path.length; end > 0; end -= NODE_READ_CONCURRENCY) {
      const start = Math.max(0, end - NODE_READ_CONCURRENCY);
      const window = path.slice(start, end);
      const exists = await Promise.all(window.map((node) => this.#exists(node.id)));
      const deepest = exists.lastIndexOf(true);
      if (deepest >= 0) {
        return start + deepest;
      }
    }

    return -1;
  }

  /** Creates the nodes in order. A node that exists meanwhile gets its entries added instead. */
  async #createInOrder(additions: readonly NodeAddition[]): Promise<void> {
    for (let start = 0; start < additions.length;) {
      start += await this.#writer.create(additions.slice(start));
      const existing = additions[start];
      if (existing !== undefined) {
        await this.#writer.add(existing);
        start += 1;
      }
    }
  }

  async #exists(id: string): Promise<boolean> {
    return (await this.#nodes.findOne({ _id: id }, { projection: { _id: 1 } })) !== null;
  }

  #read(id: string): Promise<ChainNodeDocument | null> {
    return this.#nodes.findOne(
      { _id: id },
      { projection: { children: 1, images: 1, layerCount: 1 } },
    );
  }
}

type NodeRead = { key: number } & ({ node: ChainNodeDocument | null } | { error: unknown });

/** Turns a read into one that never rejects, so reads still in flight after a failure do not either. */
function settle(key: number, read: Promise<ChainNodeDocument | null>): Promise<NodeRead> {
  return read.then(
    (node) => ({ key, node }),
    (error: unknown) => ({ key, error }),
  );
}
