import { cloudEventHeaders, EVENT_TYPES } from '@strata/core';
import type { BusMessage, ImageRecord, IndexedEvent } from '@strata/core';

/** CloudEvents `source` of every event the ingestion worker publishes. */
export const INGESTION_SOURCE = '/strata/ingestion-worker';

/**
 * Builds the `image.indexed` record of a stored image, keyed by its digest. The CloudEvents id
 * is derived from the digest and analysis time, so a re-announcement of the same analysis
 * carries the same id and consumers can drop it.
 */
export function indexedMessage(record: ImageRecord, replay: boolean, now: Date): BusMessage {
  const digest = record.image.digest;
  const event: IndexedEvent = { schemaVersion: 1, digest, analyzedAt: record.analyzedAt, replay };
  const headers = cloudEventHeaders({
    id: `${digest}@${record.analyzedAt}`,
    type: EVENT_TYPES.indexed.type,
    source: INGESTION_SOURCE,
    time: now.toISOString(),
  });

  return { key: digest, value: Buffer.from(JSON.stringify(event)), headers };
}
