import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { testDigest } from '../ancestry/test-images.ts';
import type { AnalyzedEvent } from '../events/analyzed-event.ts';
import { processAnalyses } from './process-analyses.ts';

const layerNames = fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 4 });

function analyzedEvent(position: number, layers: string[], analyzedAt: string): AnalyzedEvent {
  return {
    schemaVersion: 1,
    analyzedAt,
    image: {
      digest: testDigest(`image ${position % 6}`),
      layers: layers.map((name) => ({
        digest: testDigest(`gzip ${name}`),
        diffId: testDigest(name),
      })),
      tags: [`repo:${position}`],
    },
    vulnerabilities: [
      {
        id: `CVE-${layers[0] ?? ''}`,
        severity: 'High',
        package: { name: 'p', version: '1', type: 'deb' },
      },
    ],
  };
}

const eventsArbitrary = fc
  .array(
    fc.tuple(layerNames, fc.constantFrom('2026-01-01T00:00:00Z', '2026-02-01T00:00:00+01:00')),
    {
      minLength: 1,
      maxLength: 12,
    },
  )
  .map((specs) => specs.map(([layers, time], position) => analyzedEvent(position, layers, time)));

describe('processAnalyses', () => {
  it('gives the same output in any input order', async () => {
    await fc.assert(
      fc.asyncProperty(
        eventsArbitrary.chain((events) =>
          fc.tuple(fc.constant(events), fc.shuffledSubarray(events, { minLength: events.length })),
        ),
        async ([events, shuffled]) => {
          const first = await processAnalyses(events);
          const second = await processAnalyses(shuffled);

          expect(JSON.stringify(second)).toBe(JSON.stringify(first));
        },
      ),
      { seed: 99, numRuns: 150 },
    );
  });

  it('keeps the latest analysis of an image', async () => {
    const older = analyzedEvent(0, ['a'], '2026-01-01T00:00:00Z');
    const newer = analyzedEvent(0, ['a', 'b'], '2026-01-01T00:00:00.5Z');

    const { messages } = await processAnalyses([newer, older]);

    expect(messages).toHaveLength(1);
    expect(messages[0]?.value).toMatchObject({ image: { tags: ['repo:0'] } });
    expect((await processAnalyses([older, newer])).messages).toEqual(messages);
  });

  it('compares times with more than nine fraction digits', async () => {
    const older = analyzedEvent(0, ['a'], '2026-01-01T00:00:00.0000000001Z');
    const newer = analyzedEvent(6, ['a', 'b'], '2026-01-01T00:00:00.1000000001Z');

    const { messages } = await processAnalyses([older, newer]);

    expect(messages).toHaveLength(1);
    expect(messages[0]?.value).toMatchObject({ image: { tags: ['repo:6'] } });
  });

  it('skips attestation manifests', async () => {
    const event = analyzedEvent(1, ['a'], '2026-01-01T00:00:00Z');
    event.image.platform = { os: 'unknown', architecture: 'unknown' };

    const outcome = await processAnalyses([event]);

    expect(outcome.messages).toEqual([]);
    expect(outcome.skipped.map((entry) => entry.digest)).toEqual([event.image.digest]);
  });

  it('marks images by tag pattern', async () => {
    const base = analyzedEvent(1, ['a'], '2026-01-01T00:00:00Z');
    const middle = analyzedEvent(2, ['a', 'b'], '2026-01-01T00:00:00Z');
    const top = analyzedEvent(3, ['a', 'b', 'c'], '2026-01-01T00:00:00Z');

    const { messages } = await processAnalyses([base, middle, top], {
      markedBasePatterns: ['repo:2'],
    });
    const comparison = messages.find(
      (message) => message.key === top.image.digest && message.topic === 'image.base-comparison',
    );

    expect(comparison?.value).toMatchObject({
      comparedTo: { digest: middle.image.digest, relation: 'marked-base' },
    });
  });
});
