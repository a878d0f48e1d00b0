import type { PolicyFinding, Vulnerability } from '../model/image.ts';

/**
 * Identity of a vulnerability finding: vulnerability id, package name, version, type and path,
 * or the purl when the scanner gives no path. Severity and fix state are left out on purpose,
 * because two scans of the same package may rate them differently.
 */
export function vulnerabilityIdentity(finding: Vulnerability): string {
  const { name, version, type, path, purl } = finding.package;

  return JSON.stringify([finding.id, name, version, type, path ?? purl ?? '']);
}

/** Identity of a policy finding: gate, trigger and trigger id. */
export function policyFindingIdentity(finding: PolicyFinding): string {
  return JSON.stringify([finding.gate, finding.trigger, finding.triggerId]);
}
