import { cloudEventHeaders, EVENT_TYPES } from '@strata/core';
import type { BusMessage, Digest, RecomputeEvent } from '@strata/core';
import type { AncestryContext } from './ancestry-context.ts';
import { ANCESTRY_SOURCE } from './result-message.ts';
import { refreshImage } from './refresh-image.ts';

/** Recompute records published per `publish` call of a large fan-out. */
const PUBLISH_CHUNK = 500;

export type RecomputeReason = RecomputeEvent['reason'];

/** How the relatives of a changed image were brought up to date. */
export interface FanOut {
  /** Relatives recomputed inside the current handler. */
  inline: number;
  /** Relatives handed to the recompute topic. */
  queued: number;
}

/** Builds the `image.recompute` record of one image, keyed by its digest. */
export function recomputeMessage(
  digest: Digest,
  reason: RecomputeReason,
  cause: Digest,
  now: Date,
): BusMessage {
  const event: RecomputeEvent = { schemaVersion: 1, digest, reason };
  const headers = cloudEventHeaders({
    id: `${digest}/${reason}/${cause}/${now.toISOString()}`,
    type: EVENT_TYPES.recompute.type,
    source: ANCESTRY_SOURCE,
    time: now.toISOString(),
  });

  return { key: digest, value: Buffer.from(JSON.stringify(event)), headers };
}

async function queue(
  context: AncestryContext,
  digests: readonly Digest[],
  reason: RecomputeReason,
  cause: Digest,
) {
  const now = new Date(context.clock());
  const messages = digests.map((digest) => recomputeMessage(digest, reason, cause, now));
  await context.bus.publish(context.settings.topics.recompute, messages);
}

/**
 * Brings the results of the relatives of `cause` up to date. Up to `recomputeInlineMax`
 * relatives are recomputed here, one after the other. A larger set goes to the recompute topic,
 * keyed by digest, so the consumer group spreads the work over the workers and a restart loses
 * none of it. The relatives are streamed, so a fan-out over many images never holds them all.
 */
export async function recomputeRelatives(
  context: AncestryContext,
  relatives: AsyncIterable<Digest> | Iterable<Digest>,
  reason: RecomputeReason,
  cause: Digest,
): Promise<FanOut> {
  const inlineMax = context.settings.recomputeInlineMax;
  let pending: Digest[] = [];
  let queued = 0;
  for await (const digest of relatives) {
    pending.push(digest);
    if (pending.length > inlineMax && (queued > 0 || pending.length >= PUBLISH_CHUNK)) {
      await queue(context, pending, reason, cause);
      queued += pending.length;
      pending = [];
    }
  }

  if (queued > 0 || pending.length > inlineMax) {
    if (pending.length > 0) await queue(context, pending, reason, cause);

    return { inline: 0, queued: queued + pending.length };
  }

  for (const digest of pending) {
    await refreshImage(context, digest, false);
  }

  return { inline: pending.length, queued: 0 };
}
