import { StrataError } from '@strata/core';
import type { Digest } from '@strata/core';
import { BSON } from 'mongodb';
import type { Collection, UpdateFilter } from 'mongodb';
import { MAX_DOCUMENT_BYTES } from './image-document.ts';
import type { ImageWriteLocks } from './image-write-locks.ts';
import { isDuplicateKeyError } from './mongo-errors.ts';

/** One node of the chain tree: a prefix chain of one kind and what is stored under it. */
export interface ChainNodeDocument {
  /** `b:<ChainID>` for a blob chain, `d:<ChainID>` for a diff-ID chain. */
  _id: string;
  /** Number of layers the chain covers. */
  layerCount: number;
  /** ChainIDs of the next layer that stored images have on top of this prefix. */
  children: Digest[];
  /** Digests of the stored images whose full chain of this kind is this chain. */
  images: Digest[];
}

/** Entries to add to one node, which is created when it does not exist. */
export interface NodeAddition {
  id: string;
  layerCount: number;
  child?: Digest;
  image?: Digest;
}

/** Writes of chain tree nodes. Each write changes one node and is safe against concurrent writes. */
export interface ChainNodeWriter {
  /**
   * Creates the nodes in order, each with its entries. Stops at the first node that exists
   * and returns how many it created, so a crash or a concurrent writer leaves a prefix of them.
   */
  create(additions: readonly NodeAddition[]): Promise<number>;
  /** Adds the entries to the node, creating it when it does not exist. */
  add(addition: NodeAddition): Promise<void>;
  /** Removes an image from the node, when both exist. */
  removeImage(id: string, digest: Digest): Promise<void>;
}

function newNode(addition: NodeAddition): ChainNodeDocument {
  return {
    _id: addition.id,
    layerCount: addition.layerCount,
    children: addition.child === undefined ? [] : [addition.child],
    images: addition.image === undefined ? [] : [addition.image],
  };
}

/**
 * Inserts the nodes with one ordered `insertMany`, which stops at the first duplicate `_id`.
 * Returns the number inserted.
 */
async function insertInOrder(
  nodes: Collection<ChainNodeDocument>,
  additions: readonly NodeAddition[],
): Promise<number> {
  if (additions.length === 0) {
    return 0;
  }

  try {
    await nodes.insertMany(additions.map(newNode), { ordered: true });
    return additions.length;
  } catch (error) {
    if (isDuplicateKeyError(error) && hasInsertedCount(error)) {
      return error.insertedCount;
    }

    throw error;
  }
}

function hasInsertedCount(error: unknown): error is { insertedCount: number } {
  return (
    typeof error === 'object' &&
    error !== null &&
    'insertedCount' in error &&
    typeof error.insertedCount === 'number'
  );
}

/**
 * Node writes with MongoDB's update operators. `$addToSet` and `$pull` with an `_id` filter are
 * atomic on one document, so concurrent writers lose no entry.
 */
export class AtomicNodeWriter implements ChainNodeWriter {
  readonly #nodes: Collection<ChainNodeDocument>;

  constructor(nodes: Collection<ChainNodeDocument>) {
    this.#nodes = nodes;
  }

  create(additions: readonly NodeAddition[]): Promise<number> {
    return insertInOrder(this.#nodes, additions);
  }

  async add(addition: NodeAddition): Promise<void> {
    const update = additionUpdate(addition);
    try {
      await this.#nodes.updateOne({ _id: addition.id }, update, { upsert: true });
    } catch (error) {
      // Two upserts of a missing node can both try to insert it, and the second then finds it.
      if (!isDuplicateKeyError(error)) {
        throw error;
      }

      await this.#nodes.updateOne({ _id: addition.id }, update, { upsert: true });
    }
  }

  async removeImage(id: string, digest: Digest): Promise<void> {
    await this.#nodes.updateOne({ _id: id }, { $pull: { images: digest } });
  }
}

function additionUpdate(addition: NodeAddition): UpdateFilter<ChainNodeDocument> {
  const added: { children?: Digest; images?: Digest } = {};
  const empty: { children?: Digest[]; images?: Digest[] } = {};
  if (addition.child === undefined) empty.children = [];
  else added.children = addition.child;
  if (addition.image === undefined) empty.images = [];
  else added.images = addition.image;

  const update: UpdateFilter<ChainNodeDocument> = {
    $setOnInsert: { layerCount: addition.layerCount, ...empty },
  };
  // Older MongoDB servers reject an empty operator, so an addition without entries sends none.
  if (Object.keys(added).length > 0) update.$addToSet = added;

  return update;
}

/**
 * Node writes for servers whose updates are not atomic, such as FerretDB 1.x, where two concurrent
 * `$addToSet` calls can each write back the list they read and lose the other's entry.
 * A new node is inserted without a lock, because the unique `_id` admits one insert. Every
 * change of an existing node reads it and replaces it by `_id` under that node's lock. Nodes are
 * never deleted, so a replace always finds the node it read.
 *
 * A write first reads the node without the lock and skips the lock when there is nothing to
 * change. That read is safe because children are never removed, and an image is added and
 * removed only under that image's own write lock, which the store holds around every tree write.
 */
export class LockedNodeWriter implements ChainNodeWriter {
  readonly #nodes: Collection<ChainNodeDocument>;
  readonly #locks: ImageWriteLocks;

  constructor(nodes: Collection<ChainNodeDocument>, locks: ImageWriteLocks) {
    this.#nodes = nodes;
    this.#locks = locks;
  }

  create(additions: readonly NodeAddition[]): Promise<number> {
    return insertInOrder(this.#nodes, additions);
  }

  async add(addition: NodeAddition): Promise<void> {
    const current = await this.#nodes.findOne({ _id: addition.id });
    if (current === null && (await insertInOrder(this.#nodes, [addition])) === 1) {
      return;
    }

    if (current !== null && withAddition(current, addition) === null) {
      return;
    }

    await this.#locks.withLock(addition.id, () => this.#addLocked(addition));
  }

  async #addLocked(addition: NodeAddition): Promise<void> {
    for (;;) {
      const node = await this.#nodes.findOne({ _id: addition.id });
      if (node === null) {
        if ((await insertInOrder(this.#nodes, [addition])) === 1) return;
        // A lock-free insert created the node meanwhile, so read it again.
        continue;
      }

      const changed = withAddition(node, addition);
      if (changed !== null) {
        checkNodeSize(changed);
        await this.#nodes.replaceOne({ _id: addition.id }, changed);
      }

      return;
    }
  }

  async removeImage(id: string, digest: Digest): Promise<void> {
    const current = await this.#nodes.findOne({ _id: id }, { projection: { images: 1 } });
    if (current === null || !current.images.includes(digest)) {
      return;
    }

    await this.#locks.withLock(id, async () => {
      const node = await this.#nodes.findOne({ _id: id });
      if (node === null || !node.images.includes(digest)) {
        return;
      }

      const images = node.images.filter((image) => image !== digest);
      await this.#nodes.replaceOne({ _id: id }, { ...node, images });
    });
  }
}

/** Returns the node with the addition's entries, or null when it contains them already. */
function withAddition(node: ChainNodeDocument, addition: NodeAddition): ChainNodeDocument | null {
  const { child, image } = addition;
  const addsChild = child !== undefined && !node.children.includes(child);
  const addsImage = image !== undefined && !node.images.includes(image);
  if (!addsChild && !addsImage) {
    return null;
  }

  return {
    ...node,
    children: addsChild ? [...node.children, child] : node.children,
    images: addsImage ? [...node.images, image] : node.images,
  };
}

/**
 * Throws a non-retryable `LIMIT_EXCEEDED` when a node is over the 16 MiB a document may have.
 * At about 83 BSON bytes per `sha256:` entry, that is an estimated 200,000 children and images.
 */
function checkNodeSize(node: ChainNodeDocument): void {
  const bytes = BSON.calculateObjectSize(node);
  if (bytes > MAX_DOCUMENT_BYTES) {
    const message = `chain node ${node._id} needs a ${bytes}-byte document, over the MongoDB limit of ${MAX_DOCUMENT_BYTES} bytes, because too many images are stored on top of this prefix (see "Chain tree nodes" in docs/limits.md)`;
    throw new StrataError('LIMIT_EXCEEDED', message, {
      details: {
        chainNode: node._id,
        bytes,
        maxBytes: MAX_DOCUMENT_BYTES,
        children: node.children.length,
        images: node.images.length,
      },
    });
  }
}
