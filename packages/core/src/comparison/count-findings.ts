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
  const counts: StatusCounts & { notCompared: number } = { ...emptyCounts(), notCompared: 0 };
  // A Map, not an object, because a severity is scanner text and may be `__proto__`.
  const bySeverity = new Map<string, StatusCounts>();
  for (const finding of vulnerabilities) {
    counts[COUNT_FIELD[finding.status]] += 1;
    severityCounts(bySeverity, finding.severity)[COUNT_FIELD[finding.status]] += 1;
  }

  for (const finding of policyFindings) {
    if (finding.status === null) {
      counts.notCompared += 1;
    } else {
      counts[COUNT_FIELD[finding.status]] += 1;
    }
  }

  for (const finding of resolved.vulnerabilities) {
    severityCounts(bySeverity, finding.severity).resolved += 1;
  }

  counts.resolved = resolved.vulnerabilities.length + resolved.policyFindings.length;

  // Object.fromEntries defines own properties, so even `__proto__` becomes a plain key.
  return { ...counts, bySeverity: Object.fromEntries(bySeverity) };
}

function emptyCounts(): StatusCounts {
  return { inherited: 0, introduced: 0, inheritedUnreported: 0, resolved: 0 };
}

function severityCounts(bySeverity: Map<string, StatusCounts>, severity: string): StatusCounts {
  const existing = bySeverity.get(severity);
  if (existing !== undefined) {
    return existing;
  }

  const created = emptyCounts();
  bySeverity.set(severity, created);

  return created;
}
