import { EVENT_TYPES, findDescendantDigests, indexedEventSchema } from '@strata/core';
import type { ConsumedMessage, Digest, ImageRecord } from '@strata/core';
import type { AncestryContext } from './ancestry-context.ts';
import { decodeEvent } from './decode-event.ts';
import { recomputeRelatives } from './recompute-relatives.ts';
import { refreshImage } from './refresh-image.ts';

/** Outcome of one handled event, logged and used as a metric label. */
export type HandleOutcome = 'processed' | 'not-stored' | 'dead-lettered';

/**
 * Yields the images whose results a change of `record` may change: its aliases, then every
 * stored image that has it as a prefix (its descendants at any depth), each once.
 * NOTE: an image whose base annotation names `record` but whose layers contradict it is not a
 * descendant, so its `baseHint` keeps the status `unknown` until it is derived again.
 */
export async function* relativesOf(
  context: AncestryContext,
  record: ImageRecord,
  aliases: readonly Digest[],
): AsyncGenerator<Digest> {
  const seen = new Set<Digest>(aliases);
  yield* aliases;
  const find = (...query: Parameters<AncestryContext['store']['findDescendants']>) =>
    context.store.findDescendants(...query);
  for await (const digest of findDescendantDigests(record, find)) {
    if (!seen.has(digest)) {
      seen.add(digest);
      yield digest;
    }
  }
}

/**
 * Handles `image.indexed`: publishes the image's own results, then updates its relatives. The
 * ingestion worker made the image durable in the store and the chain index before announcing
 * it, so a descendant stored at the same moment is either found here or finds this image in
 * its own lookup.
 */
export async function handleIndexed(
  context: AncestryContext,
  message: ConsumedMessage,
): Promise<HandleOutcome> {
  const event = decodeEvent(message, indexedEventSchema, 'image.indexed', EVENT_TYPES.indexed.type);
  const refreshed = await refreshImage(context, event.digest, event.replay);
  if (refreshed === null) {
    return 'not-stored';
  }

  const { record, ancestry } = refreshed.results;
  const aliases = ancestry.aliases.map((alias) => alias.digest);
  const fanOut = await recomputeRelatives(
    context,
    relativesOf(context, record, aliases),
    'ancestor-added',
    event.digest,
  );
  context.logger.debug({ imageDigest: event.digest, ...fanOut }, 'relatives updated');

  return 'processed';
}
