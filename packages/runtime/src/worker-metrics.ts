import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The Prometheus metrics every worker exposes on `/metrics`. */
export interface WorkerMetrics {
  registry: Registry;
  /** `strata_events_consumed_total{topic}`: records taken from a topic, whatever their outcome. */
  eventsConsumed: Counter<'topic'>;
  /** `strata_events_dead_lettered_total{topic,reason}`: records sent to `<topic>.dlq`. */
  eventsDeadLettered: Counter<'topic' | 'reason'>;
  /** `strata_retries_total{operation}`: retries of a failed retryable operation. */
  retries: Counter<'operation'>;
  /** `strata_event_processing_seconds{topic,outcome}`: time from taking a record to done. */
  processingSeconds: Histogram<'topic' | 'outcome'>;
  /** `strata_consumer_lag{topic,partition}`: records behind the partition's end, per batch. */
  consumerLag: Gauge<'topic' | 'partition'>;
}

export interface WorkerMetricsOptions {
  /** Registry to use. Default a new one, so tests and embedded workers do not collide. */
  registry?: Registry;
  /** Add Node.js process metrics (`process_*`, `nodejs_*`). Default true. */
  processMetrics?: boolean;
}

/** Creates and registers the worker metrics. */
export function createWorkerMetrics(options: WorkerMetricsOptions = {}): WorkerMetrics {
  const registry = options.registry ?? new Registry();
  if (options.processMetrics ?? true) {
    collectDefaultMetrics({ register: registry });
  }

  const registers = [registry];

  return {
    registry,
    eventsConsumed: new Counter({
      name: 'strata_events_consumed_total',
      help: 'Records taken from a topic, whatever their outcome.',
      labelNames: ['topic'],
      registers,
    }),
    eventsDeadLettered: new Counter({
      name: 'strata_events_dead_lettered_total',
      help: 'Records published to the dead-letter topic, by reason code.',
      labelNames: ['topic', 'reason'],
      registers,
    }),
    retries: new Counter({
      name: 'strata_retries_total',
      help: 'Retries of an operation that failed with a retryable error.',
      labelNames: ['operation'],
      registers,
    }),
    processingSeconds: new Histogram({
      name: 'strata_event_processing_seconds',
      help: 'Time to process one record, retries included, in seconds.',
      labelNames: ['topic', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    consumerLag: new Gauge({
      name: 'strata_consumer_lag',
      help: 'Records between the last processed offset and the end of the partition.',
      labelNames: ['topic', 'partition'],
      registers,
    }),
  };
}
