import type { BaseComparisonEvent } from '@strata/core';

/** A comparison as published or as derived by a query, which has no version. */
export type ComparisonView = Pick<
  BaseComparisonEvent,
  'image' | 'comparedTo' | 'vulnerabilities' | 'policyFindings' | 'resolved' | 'counts'
>;

import { shortDigest } from './image-label.ts';

/** Findings listed per kind before the rest is summarized. */
const LISTED_FINDINGS = 50;

function listed<T>(items: readonly T[], format: (item: T) => string): string[] {
  const lines = items.slice(0, LISTED_FINDINGS).map((item) => `    ${format(item)}`);
  if (items.length > LISTED_FINDINGS) {
    lines.push(`    … and ${items.length - LISTED_FINDINGS} more (--output json lists all)`);
  }

  return lines;
}

/**
 * Renders a base comparison as its counts per status, then the introduced vulnerabilities and
 * policy findings, and the resolved ones, at most 50 of each kind.
 */
export function renderComparison(comparison: ComparisonView): string {
  const { counts } = comparison;
  const target = `${shortDigest(comparison.comparedTo.digest)} (${comparison.comparedTo.relation})`;
  const lines = [
    `${shortDigest(comparison.image.digest)} compared to ${target}`,
    `  inherited ${counts.inherited}, introduced ${counts.introduced}, ` +
      `inherited-unreported ${counts.inheritedUnreported}, resolved ${counts.resolved}` +
      (counts.notCompared === undefined ? '' : `, not compared ${counts.notCompared}`),
  ];
  const introducedVulnerabilities = comparison.vulnerabilities.filter(
    (v) => v.status === 'introduced',
  );
  const introducedPolicy = comparison.policyFindings.filter((p) => p.status === 'introduced');
  if (introducedVulnerabilities.length > 0) {
    lines.push('  introduced vulnerabilities:');
    lines.push(
      ...listed(
        introducedVulnerabilities,
        (v) => `${v.id}  ${v.severity}  ${v.package.name} ${v.package.version}`,
      ),
    );
  }

  if (introducedPolicy.length > 0) {
    lines.push('  introduced policy findings:');
    lines.push(...listed(introducedPolicy, (p) => `${p.gate}/${p.trigger}  ${p.triggerId}`));
  }

  const resolved = comparison.resolved.vulnerabilities;
  if (resolved.length > 0) {
    lines.push('  resolved vulnerabilities:');
    lines.push(...listed(resolved, (v) => `${v.id}  ${v.package.name} ${v.package.version}`));
  }

  return `${lines.join('\n')}\n`;
}
