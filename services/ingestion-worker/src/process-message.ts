import { isRetryable, StrataError } from '@strata/core';
import type { AnalyzedEvent, ConsumedMessage } from '@strata/core';
import { createDeadLetter, deadLetterTopic, offloadLargeDeadLetter, retry } from '@strata/runtime';
import type { RetryOptions } from '@strata/runtime';
import { decodeAnalyzedEvent } from './decode-analyzed-event.ts';
import { buildRecord, ingestRecord, readFindings } from './ingest-event.ts';
import type { IngestOutcome } from './ingest-event.ts';
import type { IngestionDependencies } from './ingestion-context.ts';

/** Header a replay command sets to `true` so a stored analysis is announced again. */
export const REPLAY_HEADER = 'strata-replay';

/** Outcome of one consumed record. */
export type MessageOutcome = IngestOutcome | 'dead-lettered';

type Context = Required<IngestionDependencies>;

/** Key prefix, in the bucket, of dead-letter values too large for a Kafka record. */
const DEAD_LETTER_VALUE_PREFIX = 'dead-letters/';

/**
 * Codes that blame the event itself. Only these send a record to the dead-letter topic.
 */
const INPUT_ERROR_CODES: ReadonlySet<string> = new Set([
  'INVALID_EVENT',
  'UNSUPPORTED_SCHEMA_VERSION',
  'LIMIT_EXCEEDED',
  'ANALYSIS_DOCUMENT_MISSING',
  'ANALYSIS_DOCUMENT_MISMATCH',
]);

/**
 * Any failure of a store or client that does not blame the event is retried, whether or not the
 * adapter marked it retryable. A denied permission, a missing bucket or an unknown server error
 * would otherwise dead-letter every good event until an operator fixes the cause. Retrying
 * stalls the partition instead, with a warning per attempt.
 */
function isTransient(error: unknown): boolean {
  return !(error instanceof StrataError && INPUT_ERROR_CODES.has(error.code));
}

function retryOptions(
  context: Context,
  message: ConsumedMessage,
  signal: AbortSignal,
): RetryOptions {
  return {
    operation: 'ingest',
    signal,
    logger: context.logger,
    initialDelayMs: context.settings.retryInitialDelayMs,
    maxDelayMs: context.settings.retryMaxDelayMs,
    isRetryable: isTransient,
    onRetry: () => context.metrics.retries.inc({ operation: 'ingest' }),
    logFields: { topic: message.topic, partition: message.partition, offset: message.offset },
  };
}

async function ingest(
  context: Context,
  message: ConsumedMessage,
  event: AnalyzedEvent,
  signal: AbortSignal,
): Promise<IngestOutcome> {
  const options = retryOptions(context, message, signal);
  const findings = await retry(() => readFindings(event, context), options);
  const record = buildRecord(event, findings, context.settings.archivePrefix);
  const replay = message.headers[REPLAY_HEADER] === 'true';

  return retry(() => ingestRecord(context, record, replay, new Date(context.clock())), options);
}

async function deadLetter(
  context: Context,
  message: ConsumedMessage,
  error: unknown,
  signal: AbortSignal,
) {
  const code = error instanceof StrataError ? error.code : 'INTERNAL';
  const reason = { code, message: error instanceof Error ? error.message : String(error) };
  const letter = createDeadLetter(message, reason, new Date(context.clock()));
  const topic = deadLetterTopic(message.topic);
  const offload = {
    objects: context.objects,
    bucket: context.settings.bucket,
    prefix: DEAD_LETTER_VALUE_PREFIX,
    maxInlineBytes: context.settings.deadLetterMaxInlineBytes,
  };
  const publish = async () => {
    const published = await offloadLargeDeadLetter(letter, message, offload);
    await context.bus.publish(topic, [published]);
  };
  await retry(publish, {
    ...retryOptions(context, message, signal),
    operation: 'dead-letter',
    isRetryable: () => true,
  });
  context.metrics.eventsDeadLettered.inc({ topic: message.topic, reason: code });
  context.logger.error(
    {
      err: error,
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      reason: code,
    },
    'event dead-lettered',
  );
}

/**
 * Processes one `image.analyzed` record: decode and validate, read the analysis document, store,
 * index, announce and archive. Invalid input is dead-lettered at once and never retried. A
 * transient failure is retried until it succeeds or `signal` aborts, when the abort reason is
 * thrown so the batch stays uncommitted.
 */
export async function processMessage(
  context: Context,
  message: ConsumedMessage,
  signal: AbortSignal,
): Promise<MessageOutcome> {
  try {
    const event = decodeAnalyzedEvent(message);

    return await ingest(context, message, event, signal);
  } catch (error) {
    if (signal.aborted || isRetryable(error)) {
      throw error;
    }

    await deadLetter(context, message, error, signal);

    return 'dead-lettered';
  }
}
