import type { ChainKind, Digest, ImageRecord } from '../model/image.ts';

/** Outcome of storing an analysis. */
export type UpsertOutcome =
  /** The image was not stored before. */
  | 'inserted'
  /** A newer analysis replaced the stored one. */
  | 'updated'
  /** The same analysis was stored already; nothing changed. */
  | 'unchanged'
  /** The stored analysis is newer; the given one was dropped. */
  | 'stale';

export interface ImageQuery {
  /** Only images analyzed at or after this time (ISO 8601). */
  analyzedFrom?: string;
  /** Only images analyzed before this time (ISO 8601). */
  analyzedTo?: string;
  /** Only these images. */
  digests?: readonly Digest[];
  /** Resume after this digest, in ascending digest order. */
  afterDigest?: Digest;
}

/** Durable store of images, keyed by manifest digest. */
export interface ImageStore {
  /**
   * Stores an image unless the stored analysis is newer (`analyzedAt`). Equal analysis times keep
   * the stored record, so a re-delivered event changes nothing. Times compare as instants
   * (`analysisTimeKey`). A replacing analysis keeps a stored `markedBase: true`, because a mark
   * set by event outlives re-analysis; only `setMarkedBase` clears it.
   */
  upsert(record: ImageRecord): Promise<UpsertOutcome>;
  get(digest: Digest): Promise<ImageRecord | null>;
  /** Returns the stored images among `digests`, in no particular order. */
  getMany(digests: readonly Digest[]): Promise<ImageRecord[]>;
  /**
   * Streams the digests of stored images with more than `layerCount` layers whose prefix chain
   * of that kind at position `layerCount - 1` is `chainId`: the descendants of an image with that
   * full chain. Yields each digest once, in no fixed order. Rejects a `layerCount` below 1 with
   * `INTERNAL` when iterated.
   */
  findDescendants(kind: ChainKind, chainId: Digest, layerCount: number): AsyncIterable<Digest>;
  /**
   * Rebuilds from the stored images whatever `findDescendants` reads besides them, for images
   * stored before that existed. Idempotent, and safe while other writers run. Calls `onImage`
   * once per image done and returns the number of images.
   */
  rebuildDescendantIndex(onImage?: () => void): Promise<number>;
  /** Sets or clears the user's base mark. Returns false when the image is not stored. */
  setMarkedBase(digest: Digest, marked: boolean): Promise<boolean>;
  /** Deletes an image and returns the deleted record, or null when it was not stored. */
  delete(digest: Digest): Promise<ImageRecord | null>;
  /** Streams stored images in ascending digest order. */
  list(query?: ImageQuery): AsyncIterable<ImageRecord>;
  count(): Promise<number>;
  close(): Promise<void>;
}
