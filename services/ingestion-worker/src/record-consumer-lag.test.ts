import type { ConsumedBatch, ConsumedMessage } from '@strata/core';
import { createWorkerMetrics } from '@strata/runtime';
import { describe, expect, it } from 'vitest';
import { recordConsumerLag } from './record-consumer-lag.ts';

function batch(offsets: string[], highWatermark?: string): ConsumedBatch {
  const messages = offsets.map((offset): ConsumedMessage => ({
    topic: 'image.analyzed',
    partition: 4,
    offset,
    timestamp: 0,
    key: null,
    value: null,
    headers: {},
  }));

  return {
    topic: 'image.analyzed',
    partition: 4,
    messages,
    signal: new AbortController().signal,
    highWatermark,
  };
}

async function lagOf(consumed: ConsumedBatch): Promise<number[]> {
  const metrics = createWorkerMetrics({ processMetrics: false });
  recordConsumerLag(metrics, consumed);

  return (await metrics.consumerLag.get()).values.map((sample) => sample.value);
}

describe('recordConsumerLag', () => {
  it('sets records behind the high watermark', async () => {
    expect(await lagOf(batch(['10', '11'], '20'))).toEqual([8]);
  });

  it('sets zero at the end of the partition', async () => {
    expect(await lagOf(batch(['19'], '20'))).toEqual([0]);
  });

  it('skips a batch without a high watermark', async () => {
    expect(await lagOf(batch(['1']))).toEqual([]);
  });
});
