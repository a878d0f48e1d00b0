import type {
  ComparedPolicyFinding,
  ComparedVulnerability,
} from '../events/base-comparison-event.ts';

export type StatusCounts = {
  inherited: number;
  introduced: number;
  inheritedUnreported: number;
  resolved: number;
};

export type ComparisonCounts = StatusCounts & {
  /** Policy findings with a null status, because they could not be compared. */
  notCompared: number;
  /** Vulnerability counts per severity, as the scanner spelled it. */
  bySeverity: Record<string, StatusCounts>;
};

const COUNT_FIELD = {
  inherited: 'inherited',
  introduced: 'introduced',
  'inherited-unreported': 'inheritedUnreported',
} as const;

/** Counts findings per status, and vulnerabilities per severity and status. */
export function countFindings(
  vulnerabilities: readonly ComparedVulnerability[],
  policyFindings: readonly ComparedPolicyFinding[],
  resolved: {
    vulnerabilities: readonly { severity: string }[];
    policyFindings: readonly unknown[];
  },
): ComparisonCounts {
  const counts: ComparisonCounts = { ...emptyCounts(), notCompared: 0, bySeverity: {} };
  for (const finding of vulnerabilities) {
    counts[COUNT_FIELD[finding.status]] += 1;
    severityCounts(counts, finding.severity)[COUNT_FIELD[finding.status]] += 1;
  }

  for (const finding of policyFindings) {
    if (finding.status === null) {
      counts.notCompared += 1;
    } else {
      counts[COUNT_FIELD[finding.status]] += 1;
    }
  }

  for (const finding of resolved.vulnerabilities) {
    severityCounts(counts, finding.severity).resolved += 1;
  }

  counts.resolved = resolved.vulnerabilities.length + resolved.policyFindings.length;

  return counts;
}

function emptyCounts(): StatusCounts {
  return { inherited: 0, introduced: 0, inheritedUnreported: 0, resolved: 0 };
}

function severityCounts(counts: ComparisonCounts, severity: string): StatusCounts {
  const existing = counts.bySeverity[severity];
  if (existing !== undefined) {
    return existing;
  }

  const created = emptyCounts();
  counts.bySeverity[severity] = created;

  return created;
}
