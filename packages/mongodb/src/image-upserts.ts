import { StrataError } from '@strata/core';
import type { Digest, UpsertOutcome } from '@strata/core';
import type { Collection, Filter } from 'mongodb';
import type { ChainTree, StoredChains } from './chain-tree.ts';
import type { ImageDocument } from './image-document.ts';
import { isDuplicateKeyError } from './mongo-errors.ts';

/** Max attempts of one upsert against concurrent writers and deletes before it gives up. */
const MAX_UPSERT_ATTEMPTS = 8;

/** The fields of a stored image that decide an upsert and place it in the chain tree. */
type StoredState = StoredChains & Pick<ImageDocument, 'analyzedAt' | 'markedBase'>;

const STORED_STATE = { analyzedAt: 1, markedBase: 1, blobChains: 1, diffIdChains: 1 } as const;

/**
 * The two ways `MongoImageStore.upsert` writes an image document, each followed by the chain
 * tree update. An upsert that finds the same analysis stored adds the image to the tree too,
 * which completes a tree update that a crash cut short.
 */
export class ImageUpserts {
  readonly #images: Collection<ImageDocument>;
  readonly #tree: ChainTree;

  constructor(images: Collection<ImageDocument>, tree: ChainTree) {
    this.#images = images;
    this.#tree = tree;
  }

  /**
   * Upserts while the caller holds the image's lock: inserts, or reads the stored analysis time
   * by `_id` and replaces by `_id`. Every filter is the `_id` alone, which FerretDB 1.24 on
   * SQLite looks up by primary key.
   */
  async locked(document: ImageDocument): Promise<UpsertOutcome> {
    if (await this.#insert(document)) {
      await this.#tree.addImage(document);
      return 'inserted';
    }

    const stored = await this.#readState(document._id);
    if (stored === null) {
      // Deleted without the lock: another writer took the lock over after its lease ran out.
      throw new StrataError('CONFLICT', `upsert of ${document._id} raced another writer`, {
        retryable: true,
        details: { imageDigest: document._id },
      });
    }

    if (stored.analyzedAt >= document.analyzedAt) {
      return this.#keep(stored, document);
    }

    // Removing the moved tree entries first means that a crash leaves the image missing from
    // the tree until the redelivered upsert, never listed under a chain it no longer has.
    await this.#tree.removeMovedChains(stored, document);
    const markedBase = document.markedBase || stored.markedBase;
    await this.#images.replaceOne({ _id: document._id }, { ...document, markedBase });
    await this.#tree.addImage(document);
    return 'updated';
  }

  /**
   * Upserts without a lock. The insert and the replace are each atomic on one document and
   * conditional, so of two writers the newer analysis wins whatever the interleaving. A failed
   * replace is classified by reading the stored time, which never decreases while the document
   * exists.
   */
  async conditional(document: ImageDocument): Promise<UpsertOutcome> {
    for (let attempt = 1; attempt <= MAX_UPSERT_ATTEMPTS; attempt += 1) {
      if (await this.#insert(document)) {
        await this.#tree.addImage(document);
        return 'inserted';
      }

      const replaced = await this.#replaceOlder(document);
      if (replaced !== null) {
        // NOTE: a crash between the replace and this removal leaves the image listed under its
        // old diff-ID chain, where findDescendants yields it as one extra candidate.
        await this.#tree.addImage(document);
        await this.#tree.removeMovedChains(replaced, document);
        await this.#addStoredChains(document._id);
        return 'updated';
      }

      const stored = await this.#readState(document._id);
      if (stored !== null && stored.analyzedAt >= document.analyzedAt) {
        return this.#keep(stored, document);
      }
      // Deleted, or its base mark changed, between the writes above: try again.
    }

    throw new StrataError('CONFLICT', `upsert of ${document._id} kept conflicting`, {
      retryable: true,
      details: { imageDigest: document._id, attempts: MAX_UPSERT_ATTEMPTS },
    });
  }

  /**
   * Adds the image under the chains stored now. An overlapping upsert can remove the image from
   * a chain that a later analysis has again, after the later upsert added it. Every update runs
   * this read after its own removal, so the last removal is followed by an addition of the
   * stored chains.
   */
  async #addStoredChains(digest: Digest): Promise<void> {
    const stored = await this.#readState(digest);
    if (stored !== null) {
      await this.#tree.addImage(stored);
    }
  }

  /** Classifies an upsert whose analysis is not newer than the stored one. */
  async #keep(stored: StoredState, document: ImageDocument): Promise<UpsertOutcome> {
    if (stored.analyzedAt !== document.analyzedAt) {
      return 'stale';
    }

    await this.#tree.addImage(stored);
    return 'unchanged';
  }

  #readState(digest: Digest): Promise<StoredState | null> {
    return this.#images.findOne({ _id: digest }, { projection: STORED_STATE });
  }

  /** Inserts a new document; returns false when one with that digest exists. */
  async #insert(document: ImageDocument): Promise<boolean> {
    try {
      await this.#images.insertOne(document);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        return false;
      }

      throw error;
    }
  }

  /**
   * Replaces the stored document when its analysis is older and returns the document it
   * replaced, or null when nothing was replaced. A stored base mark survives: unless the new
   * record is marked itself, the first replace matches only marked documents and keeps the mark,
   * the second only unmarked ones.
   */
  async #replaceOlder(document: ImageDocument): Promise<StoredChains | null> {
    const older = { _id: document._id, analyzedAt: { $lt: document.analyzedAt } };
    // FerretDB 1.24 implements no projection on findAndModify, so the whole document returns.
    const replace = (filter: Filter<ImageDocument>, replacement: ImageDocument) =>
      this.#images.findOneAndReplace(filter, replacement);
    if (document.markedBase) {
      return replace(older, document);
    }

    const keepMark = { ...document, markedBase: true };
    const marked = await replace({ ...older, markedBase: true }, keepMark);

    return marked ?? replace({ ...older, markedBase: false }, document);
  }
}
