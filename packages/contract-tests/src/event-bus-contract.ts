import type { BusMessage, ConsumedBatch, ConsumedMessage, EventBus } from '@strata/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContractFactory, ContractFixture } from './fixtures.ts';
import { uniqueName } from './fixtures.ts';
import { BatchRecorder } from './batch-recorder.ts';

/**
 * Cases every `EventBus` passes. `factory` gives each test a bus of its own; tests use topic and
 * group names no other test uses.
 */
export function eventBusContract(name: string, factory: ContractFactory<EventBus>): void {
  describe(`${name} event bus`, () => {
    let fixture: ContractFixture<EventBus>;
    let bus: EventBus;
    let topic: string;
    let groupId: string;

    beforeEach(async () => {
      fixture = await factory();
      bus = fixture.subject;
      topic = uniqueName('strata-contract');
      groupId = uniqueName('strata-contract-group');
      await bus.ensureTopics([topic]);
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    it('delivers key, value and headers', async () => {
      const recorder = new BatchRecorder();
      const sent: BusMessage[] = [
        { key: 'sha256:aa', value: Buffer.from('{"a":1}'), headers: { ce_type: 'x', ce_id: '1' } },
        { key: null, value: null, headers: {} },
      ];
      await bus.publish(topic, sent);

      const subscription = await bus.subscribe(recorder.options(groupId, [topic], true));
      const received = await recorder.waitForMessages(2);
      await subscription.stop();

      // The two keys can land on different partitions, so only the order within one is fixed.
      expect(received).toHaveLength(2);
      expect(received.map(toBusMessage)).toEqual(expect.arrayContaining(sent));
      expect(received.map((message) => message.topic)).toEqual([topic, topic]);
      expect(received[0]?.offset).toMatch(/^\d+$/);
      expect(received[0]?.timestamp).toBeGreaterThan(0);
    });

    it('keeps the order of messages with one key', async () => {
      const recorder = new BatchRecorder();
      const keys = ['sha256:k1', 'sha256:k2', 'sha256:k3'];
      const sent = Array.from({ length: 30 }, (_, i) => textMessage(keys[i % 3] ?? '', `${i}`));
      await bus.publish(topic, sent.slice(0, 10));
      await bus.publish(topic, sent.slice(10));

      const subscription = await bus.subscribe(recorder.options(groupId, [topic], true));
      const received = await recorder.waitForMessages(30);
      await subscription.stop();

      for (const key of keys) {
        const values = (messages: BusMessage[]) =>
          messages.filter((message) => message.key === key).map(textOf);
        expect(values(received)).toEqual(values(sent));
      }
    });

    it('resumes a group after its committed offset', async () => {
      const first = new BatchRecorder();
      await bus.publish(topic, [textMessage('sha256:k', 'a'), textMessage('sha256:k', 'b')]);
      const subscription = await bus.subscribe(first.options(groupId, [topic], true));
      await first.waitForMessages(2);
      await subscription.stop();

      await bus.publish(topic, [textMessage('sha256:k', 'c')]);
      const second = new BatchRecorder();
      const resumed = await bus.subscribe(second.options(groupId, [topic], true));
      const received = await second.waitForMessages(1);
      await resumed.stop();

      expect(received.map(textOf)).toEqual(['c']);
      expect(first.messages().map(textOf)).toEqual(['a', 'b']);
    });

    it('delivers a failed batch again', async () => {
      const recorder = new BatchRecorder({ failures: 1 });
      await bus.publish(topic, [textMessage('sha256:k', 'a'), textMessage('sha256:k', 'b')]);

      const subscription = await bus.subscribe(recorder.options(groupId, [topic], true));
      await recorder.waitForMessages(2);
      await subscription.stop();

      const failedOffsets = recorder.failedBatches().flatMap((batch) => batch.map((m) => m.offset));
      expect(recorder.failedBatches()).toHaveLength(1);
      expect(failedOffsets[0]).toBe(recorder.messages()[0]?.offset);
      expect(recorder.messages().map(textOf)).toEqual(['a', 'b']);
    });

    it('commits nothing of a failing batch', async () => {
      const failing = new BatchRecorder({ failures: Number.POSITIVE_INFINITY });
      await bus.publish(topic, [textMessage('sha256:k', 'a')]);
      const subscription = await bus.subscribe(failing.options(groupId, [topic], true));
      await failing.waitForFailures(1);
      await subscription.stop();

      const recorder = new BatchRecorder();
      const again = await bus.subscribe(recorder.options(groupId, [topic], true));
      const received = await recorder.waitForMessages(1);
      await again.stop();

      expect(received.map(textOf)).toEqual(['a']);
    });

    it('skips earlier records without fromBeginning', async () => {
      const recorder = new BatchRecorder();
      await bus.publish(topic, [textMessage('sha256:k', 'before')]);

      const subscription = await bus.subscribe(recorder.options(groupId, [topic], false));
      await publishUntilReceived(bus, topic, recorder);
      await subscription.stop();

      expect(recorder.messages().map(textOf)).not.toContain('before');
    });

    it('commits the batch in flight on stop', async () => {
      let started: () => void = () => undefined;
      const handlerStarted = new Promise<void>((resolve) => (started = resolve));
      await bus.publish(topic, [textMessage('sha256:k', 'a')]);
      const subscription = await bus.subscribe({
        groupId,
        topics: [topic],
        fromBeginning: true,
        eachBatch: async (batch: ConsumedBatch) => {
          started();
          await new Promise((resolve) => batch.signal.addEventListener('abort', resolve));
        },
      });
      await handlerStarted;
      await subscription.stop();

      await bus.publish(topic, [textMessage('sha256:k', 'b')]);
      const recorder = new BatchRecorder();
      const resumed = await bus.subscribe(recorder.options(groupId, [topic], true));
      const received = await recorder.waitForMessages(1);
      await resumed.stop();

      expect(received.map(textOf)).toEqual(['b']);
    });

    it('aborts the batch signal on stop', async () => {
      let sawAbort = false;
      let started: () => void = () => undefined;
      const handlerStarted = new Promise<void>((resolve) => (started = resolve));
      await bus.publish(topic, [textMessage('sha256:k', 'a')]);
      const subscription = await bus.subscribe({
        groupId,
        topics: [topic],
        fromBeginning: true,
        eachBatch: async (batch: ConsumedBatch) => {
          started();
          await new Promise((resolve) => batch.signal.addEventListener('abort', resolve));
          sawAbort = batch.signal.aborted;
        },
      });
      await handlerStarted;

      await subscription.stop();
      await subscription.stop();

      expect(sawAbort).toBe(true);
    });
  });
}

function textMessage(key: string, text: string): BusMessage {
  return { key, value: Buffer.from(text), headers: {} };
}

function textOf(message: BusMessage): string {
  return message.value?.toString() ?? '';
}

function toBusMessage(message: ConsumedMessage): BusMessage {
  return { key: message.key, value: message.value, headers: message.headers };
}

/** Publishes a marker every half second until the subscriber receives one. */
async function publishUntilReceived(
  bus: EventBus,
  topic: string,
  recorder: BatchRecorder,
): Promise<void> {
  for (let attempt = 0; recorder.messages().length === 0; attempt += 1) {
    await bus.publish(topic, [textMessage('sha256:k', `after-${attempt}`)]);
    await recorder.waitForMessages(1, 500).catch(() => undefined);
  }
}
