import { setTimeout as sleep } from 'node:timers/promises';
import { StrataError } from '@strata/core';
import type { InMemoryEventBus } from '@strata/memory';

/** One consumer group and the topics it consumes. */
export interface GroupTopics {
  groupId: string;
  topics: readonly string[];
}

/** Poll interval of `waitForIdle`, in milliseconds. */
const POLL_MS = 2;

/**
 * Tells whether every group has committed every record of its topics. A group commits a batch
 * only after its handler resolved, and the handler publishes before it resolves. So when every
 * group is done, no handler is running and no record is waiting.
 */
export function isIdle(bus: InMemoryEventBus, groups: readonly GroupTopics[]): boolean {
  return groups.every(({ groupId, topics }) =>
    topics.every((topic) => (bus.committedOffset(groupId, topic) ?? 0) === bus.topicLength(topic)),
  );
}

/**
 * Waits until the bus is idle for every group. Throws `INTERNAL` naming the lagging groups when
 * that takes longer than `timeoutMs`, which in memory means a handler keeps failing.
 */
export async function waitForIdle(
  bus: InMemoryEventBus,
  groups: readonly GroupTopics[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!isIdle(bus, groups)) {
    if (Date.now() > deadline) {
      const lagging = groups.filter((group) => !isIdle(bus, [group])).map((group) => group.groupId);
      throw new StrataError('INTERNAL', `embedded workers not idle after ${timeoutMs} ms`, {
        details: { groups: lagging },
      });
    }

    await sleep(POLL_MS);
  }
}
