import {
  chooseComparisonImage,
  compareFindings,
  deriveAncestry,
  matchesTagPattern,
} from '@strata/core';
import type { Ancestry, BaseComparison, Digest, ImageRecord } from '@strata/core';
import type { AncestryContext } from './ancestry-context.ts';

type Ports = Pick<AncestryContext, 'store' | 'index' | 'settings'>;

/** The current results of one stored image, before versioning. */
export interface ImageResults {
  record: ImageRecord;
  ancestry: Ancestry;
  /** Null when the image has no comparison image. */
  comparison: BaseComparison | null;
}

/**
 * Returns a record with `markedBase` set when one of its tags matches a configured pattern. A
 * pattern marks whatever the stored mark says, so an `image.base-marked` event cannot unmark an
 * image that a pattern marks.
 */
export function applyTagPatterns(record: ImageRecord, patterns: readonly string[]): ImageRecord {
  if (record.markedBase || patterns.length === 0) {
    return record;
  }

  const marked = record.image.tags.some((tag) =>
    patterns.some((pattern) => matchesTagPattern(pattern, tag)),
  );

  return marked ? { ...record, markedBase: true } : record;
}

async function loadRecords(ports: Ports, digests: readonly Digest[]): Promise<ImageRecord[]> {
  const records = await ports.store.getMany(digests);

  return records.map((record) => applyTagPatterns(record, ports.settings.markedBaseTagPatterns));
}

/**
 * Derives the ancestry and the base comparison of a stored image from the current store and
 * chain index. Returns null when the image is not stored (never indexed, or deleted since).
 */
export async function computeResults(ports: Ports, digest: Digest): Promise<ImageResults | null> {
  const record = await ports.store.get(digest);
  if (record === null) {
    return null;
  }

  const ancestry = await deriveAncestry(record, ports.index, (digests) =>
    loadRecords(ports, digests),
  );
  const target = chooseComparisonImage(ancestry, ports.settings.compareTo);
  if (target === null) {
    return { record, ancestry, comparison: null };
  }

  const [compared] = await loadRecords(ports, [target.digest]);
  const comparison = compared === undefined ? null : compareFindings(record, compared, target);

  return { record, ancestry, comparison };
}
