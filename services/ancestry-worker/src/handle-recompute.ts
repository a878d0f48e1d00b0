import { EVENT_TYPES, recomputeEventSchema } from '@strata/core';
import type { ConsumedMessage } from '@strata/core';
import type { AncestryContext } from './ancestry-context.ts';
import { decodeEvent } from './decode-event.ts';
import type { HandleOutcome } from './handle-indexed.ts';
import { refreshImage } from './refresh-image.ts';

/**
 * Handles `image.recompute`: derives and publishes the results of one image again. It does not
 * fan out: whoever requested it already listed every image the change affects.
 */
export async function handleRecompute(
  context: AncestryContext,
  message: ConsumedMessage,
): Promise<HandleOutcome> {
  const event = decodeEvent(
    message,
    recomputeEventSchema,
    'image.recompute',
    EVENT_TYPES.recompute.type,
  );
  // NOTE: `comparedTo` is not honoured: every comparison uses the configured COMPARE_TO, so the
  // latest result per key always answers the same question.
  const refreshed = await refreshImage(context, event.digest, event.replay === true);

  return refreshed === null ? 'not-stored' : 'processed';
}
