import { EVENT_TYPES, StrataError, toAncestryEvent, toBaseComparisonEvent } from '@strata/core';
import type { Ancestry, BaseComparison, Digest } from '@strata/core';
import type { AncestryContext } from './ancestry-context.ts';
import { computeResults } from './compute-results.ts';
import type { ImageResults } from './compute-results.ts';
import { contentHash } from './content-hash.ts';
import { publishResult } from './publish-result.ts';
import type { PublishOutcome, ResultContent } from './publish-result.ts';

/**
 * Rounds of compute, publish and check before `refreshImage` gives up with a retryable error.
 * Each extra round means the image's relatives changed again while it was being published.
 */
const MAX_ROUNDS = 4;

export interface RefreshOutcome {
  results: ImageResults;
  ancestry: PublishOutcome;
  baseComparison: PublishOutcome;
}

function ancestryContent(
  context: AncestryContext,
  digest: Digest,
  ancestry: Ancestry | null,
  replay: boolean,
): ResultContent {
  return {
    topic: context.settings.topics.ancestry,
    type: EVENT_TYPES.ancestry.type,
    digest,
    content: ancestry,
    toBody: (version, isReplay) =>
      // The body is built only for a non-null content.
      toAncestryEvent(ancestry as Ancestry, { version, replay: isReplay }),
    summary: {
      parent: ancestry?.parent == null ? null : { digest: ancestry.parent.digest },
      base: ancestry?.base == null ? null : { digest: ancestry.base.digest },
      counts: {
        ancestors: ancestry?.ancestors.length ?? 0,
        aliases: ancestry?.aliases.length ?? 0,
      },
    },
    replay,
  };
}

function comparisonContent(
  context: AncestryContext,
  digest: Digest,
  comparison: BaseComparison | null,
  replay: boolean,
): ResultContent {
  return {
    topic: context.settings.topics.baseComparison,
    type: EVENT_TYPES.baseComparison.type,
    digest,
    content: comparison,
    toBody: (version, isReplay) =>
      // The body is built only for a non-null content.
      toBaseComparisonEvent(comparison as BaseComparison, { version, replay: isReplay }),
    summary: { comparedTo: comparison?.comparedTo ?? null, counts: comparison?.counts ?? {} },
    replay,
  };
}

function resultsHash(results: ImageResults): string {
  return contentHash([results.ancestry, results.comparison]);
}

/**
 * Publishes the tombstones of an image that is no longer stored, on both result topics. Only
 * topics on which the image had a result get one.
 */
export async function retractResults(context: AncestryContext, digest: Digest): Promise<void> {
  await publishResult(context, ancestryContent(context, digest, null, false));
  await publishResult(context, comparisonContent(context, digest, null, false));
}

/**
 * Derives the current results of a stored image and publishes those whose content changed.
 * Returns null when the image is not stored, and retracts what it published when the image was
 * deleted meanwhile. After a publish, the results are derived again: when a relative changed in
 * between, a concurrent worker may have published a newer state under a lower version, so the
 * next round publishes the current state under a higher one.
 * Throws a retryable `CONFLICT` when the results keep changing for `MAX_ROUNDS` rounds.
 */
export async function refreshImage(
  context: AncestryContext,
  digest: Digest,
  replay: boolean,
): Promise<RefreshOutcome | null> {
  let results = await computeResults(context, digest);
  for (let round = 1; round <= MAX_ROUNDS; round += 1) {
    if (results === null) {
      // Deleted after the previous round computed its results. The delete's own retraction may
      // have run before that round's publish, so the published results are retracted here.
      if (round > 1) await retractResults(context, digest);
      return null;
    }

    const ancestry = await publishResult(
      context,
      ancestryContent(context, digest, results.ancestry, replay),
    );
    const baseComparison = await publishResult(
      context,
      comparisonContent(context, digest, results.comparison, replay),
    );
    const outcome = { results, ancestry, baseComparison };
    if (ancestry !== 'published' && baseComparison !== 'published') {
      return outcome;
    }

    const check = await computeResults(context, digest);
    if (check !== null && resultsHash(check) === resultsHash(results)) {
      return outcome;
    }

    results = check;
    replay = false;
  }

  throw new StrataError('CONFLICT', `results of ${digest} kept changing while published`, {
    retryable: true,
    details: { imageDigest: digest, rounds: MAX_ROUNDS },
  });
}
