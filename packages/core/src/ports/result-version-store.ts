import type { Digest } from '../model/image.ts';

/** The latest recorded version of one result of one image. */
export interface RecordedResultVersion {
  version: number;
  /** Hash of the result content that got this version, in the caller's own format. */
  contentHash: string;
}

/**
 * Version numbers of the results Strata publishes, per image and result topic, so that consumers
 * can drop duplicates and stale results. Versions start at 1 and strictly increase per image and
 * topic, also when several workers record results for the same image at the same time. There is
 * no delete: an image stored again after a deletion continues its numbering, so consumers that
 * remember the old versions do not drop its new results.
 */
export interface ResultVersionStore {
  /**
   * Records `contentHash` as the content of the next result and returns its version, or returns
   * null when the latest recorded content has the same hash, so nothing needs publishing.
   * A caller that cannot tell whether the earlier publish of that content succeeded (a redelivered
   * event) republishes it under `current(...)`'s version.
   */
  next(imageDigest: Digest, topic: string, contentHash: string): Promise<number | null>;
  /** Returns the latest recorded version, or null when none was recorded. */
  current(imageDigest: Digest, topic: string): Promise<RecordedResultVersion | null>;
  close(): Promise<void>;
}
