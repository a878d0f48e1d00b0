import { compareAnalysisTimes, indexedChains, toImageRecord } from '@strata/core';
import type { AnalysisFindings, AnalyzedEvent, ImageRecord, UpsertOutcome } from '@strata/core';
import { archiveDocument } from './archive-document.ts';
import { fetchAnalysisDocument } from './fetch-analysis-document.ts';
import type { IngestionDependencies } from './ingestion-context.ts';
import { indexedMessage } from './indexed-message.ts';

/**
 * Result of ingesting one event: an upsert outcome of the store, `resumed` when an earlier
 * delivery stored the analysis but stopped before announcing it, or `replayed` when a replayed
 * event announced an analysis again.
 */
export type IngestOutcome = UpsertOutcome | 'resumed' | 'replayed';

type Ports = Pick<IngestionDependencies, 'store' | 'index' | 'objects' | 'bus' | 'settings'>;

/** Reads the findings of an event: from its analysis document when it has `analysisRef`. */
export async function readFindings(
  event: AnalyzedEvent,
  ports: Ports,
): Promise<AnalysisFindings | undefined> {
  if (event.analysisRef === undefined) {
    return undefined;
  }

  return fetchAnalysisDocument(event.analysisRef, {
    objects: ports.objects,
    bucket: ports.settings.bucket,
    maxBytes: ports.settings.maxDocumentBytes,
    imageDigest: event.image.digest,
  });
}

/** Builds the record to store, with the key its archive copy will have. */
export function buildRecord(
  event: AnalyzedEvent,
  findings: AnalysisFindings | undefined,
  archivePrefix: string,
): ImageRecord {
  const record = toImageRecord(event, findings);
  const archive = archiveDocument(record, archivePrefix);
  record.archive = { key: archive.key, sha256: archive.sha256 };

  return record;
}

async function isArchived(ports: Ports, key: string): Promise<boolean> {
  for await (const found of ports.objects.list(key)) {
    return found === key;
  }

  return false;
}

/**
 * Makes a stored record visible: chains into the index, `image.indexed` published, then the
 * analysis archived. The archive is written last on purpose: its presence marks a record as
 * fully announced, so a redelivered event can distinguish a finished analysis from one whose
 * worker died after the store write.
 */
async function announce(ports: Ports, record: ImageRecord, replay: boolean, now: Date) {
  const archive = archiveDocument(record, ports.settings.archivePrefix);
  await ports.index.add(record.image.digest, indexedChains(record));
  await ports.bus.publish(ports.settings.indexedTopic, [indexedMessage(record, replay, now)]);
  await ports.objects.put(archive.key, archive.body, 'application/json');
}

/**
 * Returns the upsert outcome the store would return for a record it already stores as new or newer, or
 * undefined when the record must be written. Redelivered and replayed events take this path,
 * which saves a conditional write that costs several round trips on FerretDB.
 */
function outcomeWithoutWrite(
  stored: ImageRecord | null,
  record: ImageRecord,
): UpsertOutcome | undefined {
  if (stored === null) {
    return undefined;
  }

  const order = compareAnalysisTimes(stored.analyzedAt, record.analyzedAt);
  if (order < 0) {
    return undefined;
  }

  return order === 0 ? 'unchanged' : 'stale';
}

async function finishStored(ports: Ports, stored: ImageRecord, replay: boolean, now: Date) {
  if (replay) {
    await announce(ports, stored, true, now);
    return 'replayed';
  }

  const archive = archiveDocument(stored, ports.settings.archivePrefix);
  if (await isArchived(ports, archive.key)) {
    return undefined;
  }

  // The earlier delivery may have stopped inside its store write. Storing the same analysis
  // again changes no record but completes what the store derives from it, such as the chain
  // tree of the MongoDB store.
  await ports.store.upsert(stored);
  await announce(ports, stored, false, now);

  return 'resumed';
}

/**
 * Stores a validated record and announces it. A record the store keeps as new is announced. When
 * the store contains an equal or newer analysis instead, that stored analysis is announced only if
 * it was never fully announced, or when `replay` is set; otherwise nothing happens. Every step is
 * idempotent, so the whole function can be retried after any failure.
 */
export async function ingestRecord(
  ports: Ports,
  record: ImageRecord,
  replay: boolean,
  now: Date,
): Promise<IngestOutcome> {
  const digest = record.image.digest;
  const known = await ports.store.get(digest);
  const skipped = outcomeWithoutWrite(known, record);
  const outcome = skipped ?? (await ports.store.upsert(record));
  if (outcome === 'inserted' || outcome === 'updated') {
    // NOTE: an update whose layer list differs from the stored one leaves the old chains in the
    // index. The image digest fixes the layers, so only an inconsistent producer causes that.
    await announce(ports, record, replay, now);
    return outcome;
  }

  // A write that did not take lost to a concurrent writer, so the stored record is read again.
  const stored = skipped === undefined ? await ports.store.get(digest) : known;
  if (stored === null) {
    return outcome;
  }

  return (await finishStored(ports, stored, replay, now)) ?? outcome;
}
