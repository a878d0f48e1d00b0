import { BatchRecorder } from '@strata/contract-tests';
import { describe, expect, it } from 'vitest';
import { InMemoryEventBus } from './in-memory-event-bus.ts';

function message(text: string) {
  return { key: 'sha256:k', value: Buffer.from(text), headers: {} };
}

describe('InMemoryEventBus', () => {
  it('hands a topic to the next member when one stops', async () => {
    const bus = new InMemoryEventBus();
    const first = new BatchRecorder();
    const second = new BatchRecorder();
    const firstSubscription = await bus.subscribe(first.options('g', ['t'], true));
    const secondSubscription = await bus.subscribe(second.options('g', ['t'], true));
    await bus.publish('t', [message('a')]);
    await first.waitForMessages(1);

    await firstSubscription.stop();
    await bus.publish('t', [message('b')]);
    await second.waitForMessages(1);
    await secondSubscription.stop();

    expect(first.messages().map((m) => m.value?.toString())).toEqual(['a']);
    expect(second.messages().map((m) => m.value?.toString())).toEqual(['b']);
    expect(bus.committedOffset('g', 't')).toBe(2);
  });

  it('delivers to every group', async () => {
    const bus = new InMemoryEventBus();
    const recorders = [new BatchRecorder(), new BatchRecorder()];
    await bus.subscribe(recorders[0]?.options('g1', ['t'], true) ?? fail());
    await bus.subscribe(recorders[1]?.options('g2', ['t'], true) ?? fail());

    await bus.publish('t', [message('a')]);

    for (const recorder of recorders) {
      expect((await recorder.waitForMessages(1)).map((m) => m.offset)).toEqual(['0']);
    }
    await bus.close();
  });

  it('splits a long topic into batches of the max size', async () => {
    const bus = new InMemoryEventBus({ maxBatchSize: 4 });
    const sizes: number[] = [];
    await bus.publish(
      't',
      Array.from({ length: 10 }, (_, i) => message(`${i}`)),
    );
    const recorder = new BatchRecorder();
    const options = recorder.options('g', ['t'], true);
    const subscription = await bus.subscribe({
      ...options,
      eachBatch: (batch) => {
        sizes.push(batch.messages.length);
        return options.eachBatch(batch);
      },
    });

    await recorder.waitForMessages(10);
    await subscription.stop();

    expect(sizes).toEqual([4, 4, 2]);
  });

  it('stamps records with the injected clock', async () => {
    const bus = new InMemoryEventBus({ clock: () => 1_700_000_000_000 });
    const recorder = new BatchRecorder();
    await bus.publish('t', [message('a')]);
    const subscription = await bus.subscribe(recorder.options('g', ['t'], true));

    const [received] = await recorder.waitForMessages(1);
    await subscription.stop();

    expect(received?.timestamp).toBe(1_700_000_000_000);
    expect(bus.topicLength('t')).toBe(1);
  });
});

function fail(): never {
  throw new Error('missing recorder');
}
