import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { groupByKey, runConcurrently } from './run-concurrently.ts';

describe('runConcurrently', () => {
  it('runs every item within the limit', async () => {
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    await runConcurrently([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      running += 1;
      peak = Math.max(peak, running);
      await sleep(1);
      done.push(item);
      running -= 1;
    });

    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(peak).toBe(3);
  });

  it('starts nothing after a failure and rethrows it', async () => {
    const started: number[] = [];
    const failing = runConcurrently([1, 2, 3, 4], 1, (item) => {
      started.push(item);
      return item === 2 ? Promise.reject(new Error('item 2 failed')) : Promise.resolve();
    });

    await expect(failing).rejects.toThrow('item 2 failed');
    expect(started).toEqual([1, 2]);
  });
});

describe('groupByKey', () => {
  it('keeps order per key and separates unkeyed records', () => {
    const messages = [
      { key: 'a', n: 1 },
      { key: null, n: 2 },
      { key: 'b', n: 3 },
      { key: 'a', n: 4 },
      { key: null, n: 5 },
    ];
    const groups = groupByKey(messages).map((group) => group.map((message) => message.n));

    expect(groups).toEqual([[1, 4], [3], [2], [5]]);
  });
});
