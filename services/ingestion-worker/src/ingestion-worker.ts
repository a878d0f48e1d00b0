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
import { ChainIndexGuard } from './chain-index-guard.ts';
import type { IngestionDependencies } from './ingestion-context.ts';
import { processMessage } from './process-message.ts';
import { recordConsumerLag } from './record-consumer-lag.ts';
import type { MessageOutcome } from './process-message.ts';

export interface IngestionWorker {
  readonly state: WorkerState;
  /** Ready while running and not rebuilding the chain index; the body of `/readyz`. */
  readiness(): Readiness;
  /**
   * Creates the topics, rebuilds an empty chain index, joins the consumer group and resolves
   * once consuming. Moves to `failed` and rethrows when a step fails for good.
   */
  start(): Promise<void>;
  /**
   * Stops fetching, lets the batch in flight finish and commits it, then leaves the group. Safe to
   * call twice. The caller that created the ports closes them.
   */
  stop(): Promise<void>;
}

async function processOne(
  context: Required<IngestionDependencies>,
  message: ConsumedMessage,
  signal: AbortSignal,
): Promise<MessageOutcome> {
  const { logger, metrics, clock } = context;
  const startedAt = clock();
  metrics.eventsConsumed.inc({ topic: message.topic });
  const outcome = await processMessage(context, message, signal);
  const seconds = (clock() - startedAt) / 1000;
  metrics.processingSeconds.observe({ topic: message.topic, outcome }, seconds);
  const position = { topic: message.topic, partition: message.partition, offset: message.offset };
  logger.debug({ ...position, key: message.key, outcome }, 'event processed');

  return outcome;
}

async function handleBatch(
  context: Required<IngestionDependencies>,
  guard: ChainIndexGuard,
  batch: ConsumedBatch,
) {
  const { logger, metrics, clock } = context;
  const startedAt = clock();
  const counts: Partial<Record<MessageOutcome, number>> = {};
  await guard.ensure(batch.signal);
  const processGroup = async (messages: readonly ConsumedMessage[]) => {
    for (const message of messages) {
      const outcome = await processOne(context, message, batch.signal);
      counts[outcome] = (counts[outcome] ?? 0) + 1;
    }
  };
  // Records of different images are independent, so their I/O overlaps. Records of one image
  // share a key and stay in order.
  await runConcurrently(groupByKey(batch.messages), context.settings.concurrency, processGroup);

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
 * Creates the topics, rebuilds a chain index that lost its data, then joins the consumer group.
 * Transient failures are retried until `signal` aborts.
 */
async function joinGroup(
  context: Required<IngestionDependencies>,
  guard: ChainIndexGuard,
  signal: AbortSignal,
): Promise<Subscription> {
  const { bus, logger, metrics, settings } = context;
  const analyzed = settings.analyzedTopic;
  const topics = [analyzed, deadLetterTopic(analyzed), settings.indexedTopic];
  const options = {
    operation: 'start',
    signal,
    logger,
    maxDelayMs: settings.retryMaxDelayMs,
    onRetry: () => metrics.retries.inc({ operation: 'start' }),
  };
  await retry(() => bus.ensureTopics(topics), options);
  await retry(() => guard.ensure(signal, true), options);

  return bus.subscribe({
    groupId: settings.groupId,
    topics: [analyzed],
    fromBeginning: settings.fromBeginning,
    eachBatch: (batch) => handleBatch(context, guard, batch),
  });
}

/**
 * Creates an ingestion worker over the given ports. The same code runs in the service process,
 * in the embedded mode on in-memory ports, and from the CLI.
 */
export function createIngestionWorker(dependencies: IngestionDependencies): IngestionWorker {
  const context: Required<IngestionDependencies> = { clock: Date.now, ...dependencies };
  const { logger, settings } = context;
  const machine = new WorkerStateMachine();
  const startup = new AbortController();
  const guard = new ChainIndexGuard({ ...context, intervalMs: settings.indexCheckIntervalMs });
  let subscription: Subscription | undefined;
  machine.onChange((state, previous) => logger.info({ state, previous }, 'worker state changed'));

  const connect = async () => {
    subscription = await joinGroup(context, guard, startup.signal);
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
    readiness: () => ({
      ready: machine.state === 'running' && !guard.rebuilding,
      status: guard.rebuilding ? 'rebuilding chain index' : machine.state,
    }),
    start: async () => {
      logger.info({ topic: settings.analyzedTopic, groupId: settings.groupId }, 'worker starting');
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
