import type {
  ComparedPolicyFinding,
  ComparedVulnerability,
  ComparisonStatus,
  ResolvedPolicyFinding,
  ResolvedVulnerability,
} from '../events/base-comparison-event.ts';
import type { ImageRecord, PolicyFinding, Vulnerability } from '../model/image.ts';
import type { ComparisonTarget } from './choose-comparison-image.ts';
import { countFindings, type ComparisonCounts } from './count-findings.ts';
import { policyFindingIdentity, vulnerabilityIdentity } from './finding-identity.ts';
import { sharedLayers, type SharedLayers } from './shared-layers.ts';

/** The body of `image.base-comparison` without version fields. */
export type BaseComparison = {
  image: { digest: string };
  comparedTo: ComparisonTarget;
  vulnerabilities: ComparedVulnerability[];
  policyFindings: ComparedPolicyFinding[];
  resolved: {
    vulnerabilities: ResolvedVulnerability[];
    policyFindings: ResolvedPolicyFinding[];
  };
  counts: ComparisonCounts;
};

/**
 * Gives each finding of `image` a status against the comparison image. The status is `inherited`
 * when the comparison image has a finding with the same identity. Otherwise it is
 * `inherited-unreported` when the scanner placed the finding in a layer the two images share,
 * and `introduced` when not.
 * Policy findings get a null status when the comparison image has no policy evaluation.
 * Findings only the comparison image has are listed as resolved, when both analyses contain that
 * kind of finding.
 */
export function compareFindings(
  image: ImageRecord,
  compared: ImageRecord,
  target: ComparisonTarget,
): BaseComparison {
  const shared = sharedLayers(image, compared);
  const vulnerabilities = compareVulnerabilities(image.vulnerabilities, compared, shared);
  const policyFindings = comparePolicyFindings(image.policyFindings, compared);
  const resolved = {
    vulnerabilities: bothScanned(image, compared)
      ? resolvedVulnerabilities(image.vulnerabilities, compared.vulnerabilities)
      : [],
    policyFindings:
      image.hasPolicyEvaluation && compared.hasPolicyEvaluation
        ? resolvedPolicyFindings(image.policyFindings, compared.policyFindings)
        : [],
  };

  return {
    image: { digest: image.image.digest },
    comparedTo: target,
    vulnerabilities,
    policyFindings,
    resolved,
    counts: countFindings(vulnerabilities, policyFindings, resolved),
  };
}

function bothScanned(image: ImageRecord, compared: ImageRecord): boolean {
  return image.hasVulnerabilityScan !== false && compared.hasVulnerabilityScan !== false;
}

function compareVulnerabilities(
  findings: readonly Vulnerability[],
  compared: ImageRecord,
  shared: SharedLayers,
): ComparedVulnerability[] {
  const known = new Map<string, Vulnerability>();
  for (const finding of compared.vulnerabilities) {
    known.set(vulnerabilityIdentity(finding), finding);
  }

  return findings.map((finding) => {
    const match = known.get(vulnerabilityIdentity(finding));
    const status: ComparisonStatus =
      match !== undefined
        ? 'inherited'
        : inSharedLayer(finding, shared)
          ? 'inherited-unreported'
          : 'introduced';

    return describeVulnerability(finding, status, match);
  });
}

function inSharedLayer(finding: Vulnerability, shared: SharedLayers): boolean {
  const { layerDiffId, layerDigest } = finding.package;

  return (
    (layerDiffId !== undefined && shared.diffIds.has(layerDiffId)) ||
    (layerDigest !== undefined && shared.digests.has(layerDigest))
  );
}

function describeVulnerability(
  finding: Vulnerability,
  status: ComparisonStatus,
  match: Vulnerability | undefined,
): ComparedVulnerability {
  const described: ComparedVulnerability = { ...vulnerabilityFields(finding), status };
  if (match !== undefined) {
    described.comparedSeverity = match.severity;
    if (match.fix !== undefined) described.comparedFix = match.fix;
  }

  return described;
}

function vulnerabilityFields(finding: Vulnerability): ResolvedVulnerability {
  const { name, version, type, path, purl } = finding.package;
  const fields: ResolvedVulnerability = {
    id: finding.id,
    package: { name, version, type },
    severity: finding.severity,
  };
  if (path !== undefined) fields.package.path = path;
  if (purl !== undefined) fields.package.purl = purl;
  if (finding.fix !== undefined) fields.fix = finding.fix;

  return fields;
}

function comparePolicyFindings(
  findings: readonly PolicyFinding[],
  compared: ImageRecord,
): ComparedPolicyFinding[] {
  const known = new Set(compared.policyFindings.map(policyFindingIdentity));

  return findings.map((finding) => {
    let status: ComparisonStatus | null = null;
    if (compared.hasPolicyEvaluation) {
      status = known.has(policyFindingIdentity(finding)) ? 'inherited' : 'introduced';
    }

    return { ...policyFindingFields(finding), status };
  });
}

function policyFindingFields(finding: PolicyFinding): ResolvedPolicyFinding {
  const fields = { gate: finding.gate, trigger: finding.trigger, triggerId: finding.triggerId };

  return finding.action === undefined ? fields : { ...fields, action: finding.action };
}

function resolvedVulnerabilities(
  findings: readonly Vulnerability[],
  compared: readonly Vulnerability[],
): ResolvedVulnerability[] {
  const present = new Set(findings.map(vulnerabilityIdentity));

  return compared
    .filter((finding) => !present.has(vulnerabilityIdentity(finding)))
    .map(vulnerabilityFields);
}

function resolvedPolicyFindings(
  findings: readonly PolicyFinding[],
  compared: readonly PolicyFinding[],
): ResolvedPolicyFinding[] {
  const present = new Set(findings.map(policyFindingIdentity));

  return compared
    .filter((finding) => !present.has(policyFindingIdentity(finding)))
    .map(policyFindingFields);
}
