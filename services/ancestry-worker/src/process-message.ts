import { isRetryable, StrataError } from '@strata/core';
import type { ConsumedMessage } from '@strata/core';
import { createDeadLetter, deadLetterTopic, retry } from '@strata/runtime';
import type { RetryOptions } from '@strata/runtime';
import type { AncestryContext } from './ancestry-context.ts';
import { handleBaseMarked } from './handle-base-marked.ts';
import { handleDeleted } from './handle-deleted.ts';
import { handleIndexed } from './handle-indexed.ts';
import type { HandleOutcome } from './handle-indexed.ts';
import { handleRecompute } from './handle-recompute.ts';

type Handler = (context: AncestryContext, message: ConsumedMessage) => Promise<HandleOutcome>;

/** Returns the handler of each consumed topic. */
export function topicHandlers(context: AncestryContext): Map<string, Handler> {
  const { topics } = context.settings;

  return new Map<string, Handler>([
    [topics.indexed, handleIndexed],
    [topics.recompute, handleRecompute],
    [topics.deleted, handleDeleted],
    [topics.baseMarked, handleBaseMarked],
  ]);
}

/** Codes that blame the consumed record itself. Only these send it to the dead-letter topic. */
const INPUT_ERROR_CODES: ReadonlySet<string> = new Set([
  'INVALID_EVENT',
  'UNSUPPORTED_SCHEMA_VERSION',
  'LIMIT_EXCEEDED',
]);

/**
 * Any other failure is retried, whether or not the adapter marked it retryable. A missing
 * bucket, a denied permission or an unknown server error would otherwise dead-letter every good
 * event, and its results with it, until an operator fixes the cause. Retrying stalls the
 * partition instead, with a warning per attempt.
 */
function isTransient(error: unknown): boolean {
  return !(error instanceof StrataError && INPUT_ERROR_CODES.has(error.code));
}

function retryOptions(
  context: AncestryContext,
  message: ConsumedMessage,
  signal: AbortSignal,
  operation: string,
): RetryOptions {
  return {
    operation,
    signal,
    logger: context.logger,
    initialDelayMs: context.settings.retryInitialDelayMs,
    maxDelayMs: context.settings.retryMaxDelayMs,
    isRetryable: isTransient,
    onRetry: () => context.metrics.retries.inc({ operation }),
    logFields: { topic: message.topic, partition: message.partition, offset: message.offset },
  };
}

async function deadLetter(
  context: AncestryContext,
  message: ConsumedMessage,
  error: unknown,
  signal: AbortSignal,
) {
  const code = error instanceof StrataError ? error.code : 'INTERNAL';
  const reason = { code, message: error instanceof Error ? error.message : String(error) };
  const letter = createDeadLetter(message, reason, new Date(context.clock()));
  const topic = deadLetterTopic(message.topic);
  await retry(() => context.bus.publish(topic, [letter]), {
    ...retryOptions(context, message, signal, 'dead-letter'),
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
 * Processes one consumed record with the handler of its topic. Invalid input is dead-lettered
 * at once and never retried. A transient failure is retried until it succeeds or `signal`
 * aborts, when the abort reason is thrown so the batch stays uncommitted.
 */
export async function processMessage(
  context: AncestryContext,
  message: ConsumedMessage,
  signal: AbortSignal,
): Promise<HandleOutcome> {
  const handler = topicHandlers(context).get(message.topic);
  try {
    if (handler === undefined) {
      throw new StrataError('INTERNAL', `no handler for topic ${message.topic}`, {
        details: { topic: message.topic },
      });
    }

    const options = retryOptions(context, message, signal, message.topic);

    return await retry(() => handler(context, message), options);
  } catch (error) {
    if (signal.aborted || isRetryable(error)) {
      throw error;
    }

    await deadLetter(context, message, error, signal);

    return 'dead-lettered';
  }
}
