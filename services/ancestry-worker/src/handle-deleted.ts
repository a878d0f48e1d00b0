import { deletedEventSchema, EVENT_TYPES, indexedChains } from '@strata/core';
import type { ConsumedMessage, Digest } from '@strata/core';
import type { AncestryContext } from './ancestry-context.ts';
import { decodeEvent } from './decode-event.ts';
import { relativesOf } from './handle-indexed.ts';
import type { HandleOutcome } from './handle-indexed.ts';
import { recomputeRelatives } from './recompute-relatives.ts';
import { retractResults } from './refresh-image.ts';

/**
 * Handles `image.deleted`. The steps run in an order that a redelivery can repeat: the image
 * leaves the chain index first, so relatives recomputed from then on no longer find it; its
 * relatives are recomputed or queued while the stored record still names them; the record is
 * deleted; last, tombstones replace the image's own results.
 */
export async function handleDeleted(
  context: AncestryContext,
  message: ConsumedMessage,
): Promise<HandleOutcome> {
  const event = decodeEvent(message, deletedEventSchema, 'image.deleted', EVENT_TYPES.deleted.type);
  const record = await context.store.get(event.digest);
  if (record !== null) {
    const chains = indexedChains(record);
    // The lookup may include images whose chain only shares the index's fingerprint. They are
    // recomputed with the aliases, and a recompute that changes nothing publishes nothing.
    const sameChains = (await context.index.lookup(chains)).flat();
    const aliases = [...new Set(sameChains)].filter((digest: Digest) => digest !== event.digest);
    await context.index.remove(event.digest, chains);
    const relatives = relativesOf(context, record, aliases);
    await recomputeRelatives(context, relatives, 'ancestor-removed', event.digest);
    await context.store.delete(event.digest);
  }

  await retractResults(context, event.digest);

  return record === null ? 'not-stored' : 'processed';
}
