import { deriveAncestry } from '../ancestry/derive-ancestry.ts';
import { chooseComparisonImage } from '../comparison/choose-comparison-image.ts';
import { compareFindings } from '../comparison/compare-findings.ts';
import type { AnalyzedEvent } from '../events/analyzed-event.ts';
import { toAncestryEvent, toBaseComparisonEvent } from '../events/result-events.ts';
import { EVENT_TYPES } from '../events/topics.ts';
import { indexedChains, toImageRecord } from '../image-record.ts';
import { InMemoryChainIndex } from '../memory-chain-index.ts';
import type { Digest, ImageRecord } from '../model/image.ts';
import { matchesTagPattern } from '../tag-pattern.ts';
import { isAttestationManifest, latestAnalyses } from './latest-analyses.ts';

/** One output record: the topic, the key (the image digest) and the event body. */
export interface ResultMessage {
  topic: string;
  key: Digest;
  value: object;
}

export interface ProcessOptions {
  /** Tag patterns (`*` wildcard) of images a user marked as bases. Default: none. */
  markedBasePatterns?: readonly string[];
}

export interface ProcessOutcome {
  /** Final results, ordered by image digest, then ancestry before base comparison. */
  messages: ResultMessage[];
  /** Analyses that were valid events but name no image for ancestry. */
  skipped: { digest: Digest; reason: string }[];
  /** Images processed with a caveat the caller should show, such as findings not fetched. */
  notices: { digest: Digest; reason: string }[];
}

/**
 * Processes a batch of `image.analyzed` events in memory and returns the final `image.ancestry`
 * and `image.base-comparison` result of every image. The output does not depend on input order:
 * the latest analysis of each image wins and results are computed once every image is stored.
 * Each result has version 1.
 */
export async function processAnalyses(
  events: Iterable<AnalyzedEvent>,
  options: ProcessOptions = {},
): Promise<ProcessOutcome> {
  const skipped: ProcessOutcome['skipped'] = [];
  const notices: ProcessOutcome['notices'] = [];
  const records = new Map<Digest, ImageRecord>();
  for (const event of latestAnalyses(events)) {
    if (isAttestationManifest(event)) {
      skipped.push({ digest: event.image.digest, reason: 'attestation manifest, not an image' });
      continue;
    }

    // NOTE: documents behind analysisRef are not fetched here, so such an image gets ancestry
    // but its findings are compared as if it had no scan.
    if (event.analysisRef !== undefined) {
      notices.push({ digest: event.image.digest, reason: 'analysisRef not fetched offline' });
    }

    const record = toImageRecord(event);
    record.markedBase = isMarkedBase(record, options.markedBasePatterns ?? []);
    records.set(record.image.digest, record);
  }

  const index = new InMemoryChainIndex();
  for (const record of records.values()) {
    await index.add(record.image.digest, indexedChains(record));
  }

  const messages: ResultMessage[] = [];
  for (const digest of [...records.keys()].sort()) {
    const record = records.get(digest);
    if (record !== undefined) messages.push(...(await resultsOf(record, index, records)));
  }

  return { messages, skipped, notices };
}

async function resultsOf(
  record: ImageRecord,
  index: InMemoryChainIndex,
  records: ReadonlyMap<Digest, ImageRecord>,
): Promise<ResultMessage[]> {
  const load = (digests: readonly Digest[]) =>
    Promise.resolve(digests.flatMap((digest) => records.get(digest) ?? []));
  const ancestry = await deriveAncestry(record, index, load);
  const key = record.image.digest;
  const version = { version: 1 };
  const messages: ResultMessage[] = [
    { topic: EVENT_TYPES.ancestry.topic, key, value: toAncestryEvent(ancestry, version) },
  ];
  const target = chooseComparisonImage(ancestry);
  const compared = target === null ? undefined : records.get(target.digest);
  if (target !== null && compared !== undefined) {
    const comparison = compareFindings(record, compared, target);
    const value = toBaseComparisonEvent(comparison, version);
    messages.push({ topic: EVENT_TYPES.baseComparison.topic, key, value });
  }

  return messages;
}

function isMarkedBase(record: ImageRecord, patterns: readonly string[]): boolean {
  return record.image.tags.some((tag) =>
    patterns.some((pattern) => matchesTagPattern(pattern, tag)),
  );
}
