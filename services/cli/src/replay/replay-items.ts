import {
  analyzedEventSchema,
  analysisTimeKey,
  parseWith,
  type AnalyzedEvent,
  type ImageStore,
  type ObjectStore,
} from '@strata/core';
import { archiveDocument } from '@strata/ingestion-worker';

import type { ReplaySelection } from './replay-checkpoint.ts';

/** One stored analysis to re-publish, with its position in the source's order. */
export interface ReplayItem {
  position: string;
  event: AnalyzedEvent;
}

function toEvent(body: Buffer | Uint8Array, what: string): AnalyzedEvent {
  const json = JSON.parse(Buffer.from(body).toString('utf8')) as unknown;

  return parseWith(analyzedEventSchema, json, what);
}

/**
 * Streams the stored images of the selection from MongoDB in ascending digest order, after
 * `position` when resuming. Each becomes the event its archive copy would be: the stored
 * analysis with its findings inline.
 */
export async function* storeItems(
  store: ImageStore,
  selection: ReplaySelection,
  position: string | null,
): AsyncGenerator<ReplayItem> {
  const query = {
    ...(selection.since === undefined ? {} : { analyzedFrom: selection.since }),
    ...(selection.until === undefined ? {} : { analyzedTo: selection.until }),
    ...(selection.images === undefined ? {} : { digests: selection.images }),
    ...(position === null ? {} : { afterDigest: position }),
  };
  for await (const record of store.list(query)) {
    const document = archiveDocument(record, '');
    yield {
      position: record.image.digest,
      event: toEvent(document.body, `stored ${record.image.digest}`),
    };
  }
}

function inTimeRange(event: AnalyzedEvent, selection: ReplaySelection): boolean {
  const time = analysisTimeKey(event.analyzedAt);
  if (selection.since !== undefined && time < analysisTimeKey(selection.since)) return false;
  if (selection.until !== undefined && time >= analysisTimeKey(selection.until)) return false;

  return true;
}

/**
 * Streams the archived analyses under `prefix` in the object store in ascending key order, after
 * `position` when resuming, keeping those of the selection. Every archived analysis of an image
 * is replayed; the ingestion worker keeps the newest.
 */
export async function* archiveItems(
  objects: ObjectStore,
  prefix: string,
  selection: ReplaySelection,
  position: string | null,
): AsyncGenerator<ReplayItem> {
  const prefixes =
    selection.images === undefined
      ? [prefix]
      : [...selection.images].sort().map((digest) => `${prefix}${digest.replace(':', '/')}/`);
  for (const listed of prefixes) {
    for await (const key of objects.list(listed)) {
      if (position !== null && key <= position) continue;

      const body = await objects.get(key);
      if (body === null) continue;
      const event = toEvent(body, `archived ${key}`);
      if (inTimeRange(event, selection)) yield { position: key, event };
    }
  }
}
