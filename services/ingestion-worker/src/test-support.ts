import { createHash } from 'node:crypto';
import type { BusMessage, ConsumedMessage, EventBus } from '@strata/core';
import { setTimeout as sleep } from 'node:timers/promises';

/** Returns a `sha256:` digest of a label, for readable test data. */
export function digestOf(label: string): string {
  return `sha256:${createHash('sha256').update(label).digest('hex')}`;
}

/** Builds an `image.analyzed` event body with `layerCount` layers named after `name`. */
export function analyzedEvent(
  name: string,
  layerCount: number,
  analyzedAt = '2026-01-31T12:00:00Z',
) {
  const layers = Array.from({ length: layerCount }, (_, position) => ({
    digest: digestOf(`${name}-layer-${position}`),
    diffId: digestOf(`${name}-diff-${position}`),
    size: 1000 + position,
  }));

  return {
    schemaVersion: 1,
    analyzedAt,
    image: { digest: digestOf(name), layers, tags: [`example.test/${name}:1`] },
    vulnerabilities: [
      {
        id: 'CVE-2024-0001',
        severity: 'High',
        package: { name: 'openssl', version: '3.0.11-1', type: 'deb' },
      },
    ],
    policyFindings: [],
  };
}

/** Builds the record of an event as a producer publishes it: keyed by digest, JSON value. */
export function analyzedMessage<Event extends { image: { digest: string } }>(
  event: Event,
  headers: Record<string, string> = {},
): BusMessage {
  return { key: event.image.digest, value: Buffer.from(JSON.stringify(event)), headers };
}

/** Subscribes a fresh consumer group to `topic` and collects every record it receives. */
export async function collectTopic(bus: EventBus, topic: string) {
  const messages: ConsumedMessage[] = [];
  const subscription = await bus.subscribe({
    groupId: `collector-${topic}-${Math.random()}`,
    topics: [topic],
    fromBeginning: true,
    eachBatch: (batch) => {
      messages.push(...batch.messages);
      return Promise.resolve();
    },
  });

  return { messages, stop: () => subscription.stop() };
}

/** Polls `condition` every few milliseconds until it holds; the test timeout bounds the wait. */
export async function waitUntil(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) {
    await sleep(5);
  }
}

/** Returns an event without its inline findings, to pair it with an `analysisRef`. */
export function withoutFindings(event: ReturnType<typeof analyzedEvent>) {
  const { vulnerabilities, policyFindings, ...rest } = event;

  return { event: rest, findings: { vulnerabilities, policyFindings } };
}
