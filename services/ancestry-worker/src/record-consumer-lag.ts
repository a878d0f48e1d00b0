import type { ConsumedBatch } from '@strata/core';
import type { WorkerMetrics } from '@strata/runtime';

/**
 * Sets the consumer lag gauge of a batch's partition from the bus's high watermark; does nothing
 * when the bus does not report one.
 */
export function recordConsumerLag(metrics: WorkerMetrics, batch: ConsumedBatch): void {
  const lastOffset = batch.messages.at(-1)?.offset;
  if (batch.highWatermark === undefined || lastOffset === undefined) {
    return;
  }

  const lag = BigInt(batch.highWatermark) - BigInt(lastOffset) - 1n;
  metrics.consumerLag.set({ topic: batch.topic, partition: String(batch.partition) }, Number(lag));
}
