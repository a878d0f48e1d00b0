import { convertTrivyReport, processAnalyses } from '@strata/core';
import type { AnalyzedEvent } from '@strata/core';
import { officialImageEvents, scannerOutput } from '@strata/datasets';
import { describe, expect, it } from 'vitest';
import { runEmbedded } from './run-embedded.ts';

function withoutVersion(messages: readonly { topic: string; key: string; value: object }[]) {
  return messages.map(({ topic, key, value }) => {
    const rest: Record<string, unknown> = { ...value };
    delete rest.version;

    return { topic, key, value: rest };
  });
}

function distrolessEvents(): AnalyzedEvent[] {
  const time = '2026-01-31T12:00:00Z';

  return [
    convertTrivyReport(scannerOutput('trivy/distroless-base.json'), {
      digest: `sha256:${'a'.repeat(64)}`,
      analyzedAt: time,
    }),
    convertTrivyReport(scannerOutput('trivy/distroless-python27.json'), {
      digest: `sha256:${'b'.repeat(64)}`,
      analyzedAt: time,
    }),
  ];
}

describe('runEmbedded', () => {
  it('matches processAnalyses on the official images', async () => {
    const events = officialImageEvents();
    const expected = await processAnalyses(events);
    const outcome = await runEmbedded([...events].reverse());

    expect(withoutVersion(outcome.messages)).toEqual(withoutVersion(expected.messages));
    expect(outcome.deadLetters).toEqual([]);
  });

  it('matches processAnalyses on the distroless scans', async () => {
    const events = distrolessEvents();
    const expected = await processAnalyses(events);
    const outcome = await runEmbedded([...events].reverse());

    expect(withoutVersion(outcome.messages)).toEqual(withoutVersion(expected.messages));
    expect(outcome.messages.some((message) => message.topic === 'image.base-comparison')).toBe(
      true,
    );
  });

  it('gives the same results and versions in any input order', async () => {
    const events = officialImageEvents();
    const forward = await runEmbedded(events);
    const reverse = await runEmbedded([...events].reverse());
    const versions = forward.messages.map((message) => Number(message.value.version));

    expect(reverse.messages).toEqual(forward.messages);
    expect(versions.every((version) => version >= 1)).toBe(true);
  });

  it('skips attestation manifests', async () => {
    const [first] = officialImageEvents();
    const attestation = {
      ...first,
      image: { ...first!.image, platform: { os: 'unknown', architecture: 'unknown' } },
    } as AnalyzedEvent;
    const outcome = await runEmbedded([attestation]);

    expect(outcome.messages).toEqual([]);
    expect(outcome.skipped).toEqual([
      { digest: attestation.image.digest, reason: 'attestation manifest, not an image' },
    ]);
  });
});
