import {
  createAncestryWorker,
  DEFAULT_ANCESTRY_SETTINGS,
  RESULT_HEADERS,
} from '@strata/ancestry-worker';
import type { AncestrySettings } from '@strata/ancestry-worker';
import { EVENT_TYPES, isAttestationManifest, latestAnalyses } from '@strata/core';
import type { AnalyzedEvent, ComparisonRequest, ConsumedMessage, Digest } from '@strata/core';
import { createIngestionWorker, DEFAULT_INGESTION_SETTINGS } from '@strata/ingestion-worker';
import {
  InMemoryChainIndex,
  InMemoryEventBus,
  InMemoryImageStore,
  InMemoryObjectStore,
  InMemoryResultVersionStore,
} from '@strata/memory';
import {
  createLogger,
  createWorkerMetrics,
  deadLetterTopic,
  readDeadLetter,
} from '@strata/runtime';
import type { Logger } from '@strata/runtime';
import { waitForIdle } from './wait-for-idle.ts';
import type { GroupTopics } from './wait-for-idle.ts';

export interface EmbeddedOptions {
  /** Tag patterns (`*` wildcard) of images that count as marked bases. Default none. */
  markedBasePatterns?: readonly string[];
  /** Comparison image. Default: the nearest marked base, else the base. */
  compareTo?: ComparisonRequest;
  /** Logger of both workers. Default silent. */
  logger?: Logger;
  /** Time the workers may take to process everything. Default 10 minutes. */
  timeoutMs?: number;
}

/** The latest result of one image on one topic, as the embedded run left it. */
export interface EmbeddedResult {
  topic: string;
  key: Digest;
  value: Record<string, unknown>;
}

export interface EmbeddedOutcome {
  /** Latest result per image and topic, ordered by digest, then ancestry before comparison. */
  messages: EmbeddedResult[];
  /** Analyses that were valid events but name no image for ancestry. */
  skipped: { digest: Digest; reason: string }[];
  /** Images processed with a caveat the caller should show. */
  notices: { digest: Digest; reason: string }[];
  /** Records the workers dead-lettered: source topic, key and reason. */
  deadLetters: { topic: string; key: string | null; reason: string }[];
}

const BUCKET = 'strata-embedded';

/**
 * Returns the latest analysis of each image in digest order, so that the run, versions
 * included, does not depend on the input order. Attestation manifests are left out, and an
 * `analysisRef`, which cannot resolve in memory, is dropped with a notice.
 */
function offlineEvents(events: Iterable<AnalyzedEvent>, outcome: EmbeddedOutcome) {
  const published: AnalyzedEvent[] = [];
  const latest = latestAnalyses(events).sort((a, b) => compareText(a.image.digest, b.image.digest));
  for (const event of latest) {
    const digest = event.image.digest;
    if (isAttestationManifest(event)) {
      outcome.skipped.push({ digest, reason: 'attestation manifest, not an image' });
      continue;
    }

    if (event.analysisRef === undefined) {
      published.push(event);
      continue;
    }

    // NOTE: the document behind analysisRef is not fetched, so the image gets its ancestry but
    // its findings are compared as if it had no scan.
    outcome.notices.push({ digest, reason: 'analysisRef not fetched offline' });
    const local: AnalyzedEvent = { ...event };
    delete local.analysisRef;
    published.push(local);
  }

  return published;
}

function latestResults(messages: readonly ConsumedMessage[]): EmbeddedResult[] {
  const latest = new Map<string, ConsumedMessage>();
  for (const message of messages) {
    const slot = `${message.key ?? ''} ${message.topic}`;
    const current = latest.get(slot);
    const version = Number(message.headers[RESULT_HEADERS.version]);
    if (current === undefined || version >= Number(current.headers[RESULT_HEADERS.version])) {
      latest.set(slot, message);
    }
  }

  return [...latest.values()]
    .filter((message) => message.value !== null)
    .map((message) => ({
      topic: message.topic,
      key: message.key ?? '',
      value: JSON.parse((message.value ?? Buffer.alloc(0)).toString('utf8')) as Record<
        string,
        unknown
      >,
    }))
    .sort(compareResults);
}

const TOPIC_ORDER: readonly string[] = [
  EVENT_TYPES.ancestry.topic,
  EVENT_TYPES.baseComparison.topic,
];

function compareText(a: string, b: string): number {
  if (a === b) {
    return 0;
  }

  return a < b ? -1 : 1;
}

function compareResults(a: EmbeddedResult, b: EmbeddedResult): number {
  return compareText(a.key, b.key) || TOPIC_ORDER.indexOf(a.topic) - TOPIC_ORDER.indexOf(b.topic);
}

/**
 * Runs the ingestion and ancestry workers in this process on in-memory adapters. Publishes the
 * latest analysis of each image to `image.analyzed` in digest order and lets both workers run
 * until the bus is idle. Returns the latest `image.ancestry` and `image.base-comparison` result
 * of every image. An image whose results changed as its relatives arrived has a version above 1.
 */
export async function runEmbedded(
  events: Iterable<AnalyzedEvent>,
  options: EmbeddedOptions = {},
): Promise<EmbeddedOutcome> {
  const outcome: EmbeddedOutcome = { messages: [], skipped: [], notices: [], deadLetters: [] };
  const logger = options.logger ?? createLogger({ service: 'strata-embedded', level: 'silent' });
  const bus = new InMemoryEventBus({ logger, retryInitialDelayMs: 1 });
  const ports = {
    bus,
    store: new InMemoryImageStore(),
    index: new InMemoryChainIndex(),
    objects: new InMemoryObjectStore(),
    metrics: createWorkerMetrics({ processMetrics: false }),
  };
  const ingestionSettings = { ...DEFAULT_INGESTION_SETTINGS, bucket: BUCKET };
  const ancestrySettings: AncestrySettings = {
    ...DEFAULT_ANCESTRY_SETTINGS,
    bucket: BUCKET,
    compareTo: options.compareTo ?? DEFAULT_ANCESTRY_SETTINGS.compareTo,
    markedBaseTagPatterns: options.markedBasePatterns ?? [],
    // In memory a large result costs nothing, and callers want the full result.
    resultMaxInlineBytes: Number.MAX_SAFE_INTEGER,
  };
  const ingestion = createIngestionWorker({
    ...ports,
    logger: logger.child({ worker: 'ingestion' }),
    settings: ingestionSettings,
  });
  const ancestry = createAncestryWorker({
    ...ports,
    versions: new InMemoryResultVersionStore(),
    logger: logger.child({ worker: 'ancestry' }),
    settings: ancestrySettings,
  });

  const { topics } = ancestrySettings;
  const consumed = [topics.indexed, topics.recompute, topics.deleted, topics.baseMarked];
  const deadLetterTopics = [ingestionSettings.analyzedTopic, ...consumed].map(deadLetterTopic);
  const collected: ConsumedMessage[] = [];
  const collectorGroup = 'strata-embedded-collector';
  const collectedTopics = [topics.ancestry, topics.baseComparison, ...deadLetterTopics];
  await bus.ensureTopics(collectedTopics);
  const collector = await bus.subscribe({
    groupId: collectorGroup,
    topics: collectedTopics,
    fromBeginning: true,
    eachBatch: (batch) => {
      collected.push(...batch.messages);
      return Promise.resolve();
    },
  });
  const groups: GroupTopics[] = [
    { groupId: ingestionSettings.groupId, topics: [ingestionSettings.analyzedTopic] },
    { groupId: ancestrySettings.groupId, topics: consumed },
    { groupId: collectorGroup, topics: collectedTopics },
  ];

  try {
    await ingestion.start();
    await ancestry.start();
    const messages = offlineEvents(events, outcome).map((event) => ({
      key: event.image.digest,
      value: Buffer.from(JSON.stringify(event)),
      headers: {},
    }));
    await bus.publish(ingestionSettings.analyzedTopic, messages);
    await waitForIdle(bus, groups, options.timeoutMs ?? 600_000);
  } finally {
    await ingestion.stop();
    await ancestry.stop();
    await collector.stop();
    await bus.close();
  }

  const results = new Set<string>([topics.ancestry, topics.baseComparison]);
  outcome.messages = latestResults(collected.filter((message) => results.has(message.topic)));
  outcome.deadLetters = collected
    .filter((message) => !results.has(message.topic))
    .map((message) => ({
      topic: readDeadLetter(message)?.sourceTopic ?? message.topic,
      key: message.key,
      reason: readDeadLetter(message)?.reasonMessage ?? '',
    }));

  return outcome;
}
