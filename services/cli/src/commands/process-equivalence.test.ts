import { convertTrivyReport, processAnalyses } from '@strata/core';
import type { AnalyzedEvent } from '@strata/core';
import { officialImageEvents, scannerOutput } from '@strata/datasets';
import { describe, expect, it } from 'vitest';

import { EXIT_STATUS } from '../exit-status.ts';
import { buildProgram } from '../program.ts';
import { testIo } from '../test-io.ts';

interface OutputRecord {
  topic: string;
  key: string;
  value: Record<string, unknown>;
}

function withoutVersion(records: readonly OutputRecord[]) {
  return records.map(({ topic, key, value }) => {
    const rest = { ...value };
    delete rest.version;

    return { topic, key, value: rest };
  });
}

async function processOutput(events: readonly AnalyzedEvent[]) {
  const input = events.map((event) => JSON.stringify(event)).join('\n');
  const { io, output } = testIo({ 'events.ndjson': input });
  await buildProgram(io).parseAsync(['node', 'strata', 'process', 'events.ndjson']);
  const records = output.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as OutputRecord);

  return { records, exitCode: output.exitCode };
}

const DISTROLESS: AnalyzedEvent[] = [
  convertTrivyReport(scannerOutput('trivy/distroless-base.json'), {
    digest: `sha256:${'a'.repeat(64)}`,
    analyzedAt: '2026-01-31T12:00:00Z',
  }),
  convertTrivyReport(scannerOutput('trivy/distroless-python27.json'), {
    digest: `sha256:${'b'.repeat(64)}`,
    analyzedAt: '2026-01-31T12:00:00Z',
  }),
];

describe('strata process through the workers', () => {
  it.each([
    ['official images', officialImageEvents()],
    ['distroless scans', DISTROLESS],
  ])('equals processAnalyses on %s except versions', async (_name, events) => {
    const expected = await processAnalyses(events);
    const { records, exitCode } = await processOutput([...events].reverse());

    expect(exitCode).toBe(EXIT_STATUS.ok);
    expect(withoutVersion(records)).toEqual(withoutVersion(expected.messages as OutputRecord[]));
  });
});
