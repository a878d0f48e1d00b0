import { baseMarkedEventSchema, EVENT_TYPES, matchesTagPattern } from '@strata/core';
import type { BaseMarkedEvent, ConsumedMessage, Digest } from '@strata/core';
import type { AncestryContext } from './ancestry-context.ts';
import { decodeEvent } from './decode-event.ts';
import { relativesOf } from './handle-indexed.ts';
import type { HandleOutcome } from './handle-indexed.ts';
import { recomputeRelatives } from './recompute-relatives.ts';

async function* targets(context: AncestryContext, event: BaseMarkedEvent): AsyncGenerator<Digest> {
  if (event.digest !== undefined) {
    yield event.digest;
    return;
  }

  const pattern = event.tagPattern ?? '';
  // NOTE: a tag pattern is matched by streaming every stored image, so this costs a full scan
  // of the image store; the store has no index on tags.
  for await (const record of context.store.list()) {
    if (record.image.tags.some((tag) => matchesTagPattern(pattern, tag))) {
      yield record.image.digest;
    }
  }
}

/**
 * Handles `image.base-marked`: stores the mark on each named image, then updates the results
 * of their descendants, whose default comparison and ancestor list depend on it. A mark for an
 * image that is not stored is logged and dropped.
 */
export async function handleBaseMarked(
  context: AncestryContext,
  message: ConsumedMessage,
): Promise<HandleOutcome> {
  const event = decodeEvent(
    message,
    baseMarkedEventSchema,
    'image.base-marked',
    EVENT_TYPES.baseMarked.type,
  );
  let stored = 0;
  for await (const digest of targets(context, event)) {
    const record = await context.store.get(digest);
    if (record === null || !(await context.store.setMarkedBase(digest, event.marked))) {
      context.logger.warn(
        { imageDigest: digest, marked: event.marked },
        'base mark for unknown image dropped',
      );
      continue;
    }

    stored += 1;
    await recomputeRelatives(context, relativesOf(context, record, []), 'base-marked', digest);
  }

  return stored === 0 ? 'not-stored' : 'processed';
}
