import { convertTrivyReport, processAnalyses, type BaseComparisonEvent } from '@strata/core';
import { describe, expect, it } from 'vitest';

import { scannerOutput } from './scanner-outputs.ts';

interface TrivyFinding {
  VulnerabilityID: string;
  PkgName: string;
  InstalledVersion: string;
}

interface TrivyFile {
  Results: { Vulnerabilities?: TrivyFinding[] }[];
}

const BASE_DIGEST = `sha256:${'b'.repeat(64)}`;
const CHILD_DIGEST = `sha256:${'c'.repeat(64)}`;

function findingKeys(report: TrivyFile): string[] {
  return report.Results.flatMap((result) => result.Vulnerabilities ?? []).map(
    (finding) => `${finding.VulnerabilityID} ${finding.PkgName} ${finding.InstalledVersion}`,
  );
}

describe('distroless base comparison', () => {
  it('marks the findings shared with the base as inherited', async () => {
    const baseReport = scannerOutput('trivy/distroless-base.json') as TrivyFile;
    const childReport = scannerOutput('trivy/distroless-python27.json') as TrivyFile;
    const baseKeys = new Set(findingKeys(baseReport));
    const shared = findingKeys(childReport).filter((key) => baseKeys.has(key));
    const events = [
      convertTrivyReport(childReport, { digest: CHILD_DIGEST }),
      convertTrivyReport(baseReport, { digest: BASE_DIGEST }),
    ];

    const { messages } = await processAnalyses(events);
    const comparison = messages.find(
      (message) => message.topic === 'image.base-comparison' && message.key === CHILD_DIGEST,
    )?.value as BaseComparisonEvent | undefined;
    const inherited = (comparison?.vulnerabilities ?? [])
      .filter((finding) => finding.status === 'inherited')
      .map((finding) => `${finding.id} ${finding.package.name} ${finding.package.version}`);

    expect(shared).toHaveLength(4);
    expect(comparison?.comparedTo).toEqual({ digest: BASE_DIGEST, relation: 'base' });
    expect(inherited.sort()).toEqual(shared.sort());
    expect(comparison?.counts.inherited).toBe(shared.length);
  });

  it('finds the base by diff ID', async () => {
    const events = [
      convertTrivyReport(scannerOutput('trivy/distroless-base.json'), { digest: BASE_DIGEST }),
      convertTrivyReport(scannerOutput('trivy/distroless-python27.json'), { digest: CHILD_DIGEST }),
    ];

    const { messages } = await processAnalyses(events);
    const topics = messages.map((message) => `${message.key} ${message.topic}`);

    expect(topics).toEqual([
      `${BASE_DIGEST} image.ancestry`,
      `${CHILD_DIGEST} image.ancestry`,
      `${CHILD_DIGEST} image.base-comparison`,
    ]);
    expect(messages[1]?.value).toMatchObject({
      ancestors: [{ matchedBy: 'diffId', matchedLayers: 2 }],
    });
  });
});
