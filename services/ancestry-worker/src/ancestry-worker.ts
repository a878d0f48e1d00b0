import type { ConsumedBatch, ConsumedMessage, Subscription } from '@strata/core';
import {
  closeOnce,
  deadLetterTopic,
  groupByKey,
  retry,
  runConcurrently,
  WorkerStateMachine,
} from '@strata/runtime';
import type { Readiness, WorkerState } from '@strata/runtime';
import type { AncestryContext, AncestryDependencies } from './ancestry-context.ts';
import type { HandleOutcome } from './handle-indexed.ts';
import { processMessage } from './process-message.ts';
import { recordConsumerLag } from './record-consumer-lag.ts';

export interface AncestryWorker {
  readonly state: WorkerState;
  /** Ready while running; the body of `/readyz`. */
  readiness(): Readiness;
  /**
   * Creates the topics, joins the consumer group and resolves once consuming. Moves to `failed`
   * and rethrows when a step fails for good.
   */
  start(): Promise<void>;
  /**
   * Stops fetching, lets the batch in flight finish and commits it, then leaves the group. Safe
   * to call twice. The caller that created the ports closes them.
   */
  stop(): Promise<void>;
}

/** Topics the worker consumes, in the order a batch loop visits them. */
export function consumedTopics(context: AncestryContext): string[] {
  const { topics } = context.settings;

  return [topics.indexed, topics.recompute, topics.deleted, topics.baseMarked];
}

/**
 * Splits a batch into groups whose records must run in offset order. A base mark can name its
 * images by tag pattern, so its record key does not identify them, and a batch of base marks is
 * one group.
 */
function groupsInOrder(context: AncestryContext, batch: ConsumedBatch): ConsumedMessage[][] {
  if (batch.topic === context.settings.topics.baseMarked) {
    return [[...batch.messages]];
  }

  return groupByKey(batch.messages);
}

async function handleBatch(context: AncestryContext, batch: ConsumedBatch) {
  const { logger, metrics, clock } = context;
  const startedAt = clock();
  const counts: Partial<Record<HandleOutcome, number>> = {};
  const processGroup = async (messages: readonly ConsumedMessage[]) => {
    for (const message of messages) {
      const messageStartedAt = clock();
      metrics.eventsConsumed.inc({ topic: message.topic });
      const outcome = await processMessage(context, message, batch.signal);
      counts[outcome] = (counts[outcome] ?? 0) + 1;
      metrics.processingSeconds.observe(
        { topic: message.topic, outcome },
        (clock() - messageStartedAt) / 1000,
      );
      logger.debug(
        {
          topic: message.topic,
          partition: message.partition,
          offset: message.offset,
          key: message.key,
          outcome,
        },
        'event processed',
      );
    }
  };
  // Records of one image share a key and stay in order. Records of different images are as
  // independent as records handled by two workers, so their I/O overlaps.
  await runConcurrently(groupsInOrder(context, batch), context.settings.concurrency, processGroup);

  recordConsumerLag(metrics, batch);
  logger.info(
    {
      topic: batch.topic,
      partition: batch.partition,
      firstOffset: batch.messages[0]?.offset,
      lastOffset: batch.messages.at(-1)?.offset,
      records: batch.messages.length,
      outcomes: counts,
      durationMs: clock() - startedAt,
    },
    'batch processed',
  );
}

/**
 * Creates an ancestry worker over the given ports. The same code runs in the service process and
 * in the embedded mode on in-memory ports.
 */
export function createAncestryWorker(dependencies: AncestryDependencies): AncestryWorker {
  const context: AncestryContext = { clock: Date.now, ...dependencies };
  const { bus, logger, settings } = context;
  const machine = new WorkerStateMachine();
  const startup = new AbortController();
  let subscription: Subscription | undefined;
  machine.onChange((state, previous) => logger.info({ state, previous }, 'worker state changed'));

  const connect = async () => {
    const consumed = consumedTopics(context);
    const { ancestry, baseComparison } = settings.topics;
    const topics = [...consumed, ...consumed.map(deadLetterTopic), ancestry, baseComparison];
    await retry(() => bus.ensureTopics(topics), {
      operation: 'start',
      signal: startup.signal,
      logger,
      maxDelayMs: settings.retryMaxDelayMs,
    });
    subscription = await bus.subscribe({
      groupId: settings.groupId,
      topics: consumed,
      fromBeginning: settings.fromBeginning,
      eachBatch: (batch) => handleBatch(context, batch),
    });
    if (startup.signal.aborted) {
      await subscription.stop();
    }
  };

  const stop = closeOnce(async () => {
    if (machine.canMoveTo('draining')) {
      machine.moveTo('draining');
    }
    startup.abort(new Error('worker stopping'));
    await subscription?.stop();
    if (machine.canMoveTo('stopped')) {
      machine.moveTo('stopped');
    }
  });

  return {
    get state() {
      return machine.state;
    },
    readiness: () => ({ ready: machine.state === 'running', status: machine.state }),
    start: async () => {
      logger.info(
        { topics: consumedTopics(context), groupId: settings.groupId },
        'worker starting',
      );
      try {
        await connect();
      } catch (error) {
        if (machine.canMoveTo('failed') && !startup.signal.aborted) {
          machine.moveTo('failed');
        }
        throw error;
      }
      if (machine.canMoveTo('running')) {
        machine.moveTo('running');
      }
    },
    stop,
  };
}
