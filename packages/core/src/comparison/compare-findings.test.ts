import { describe, expect, it } from 'vitest';

import { testLayer, testRecord } from '../ancestry/test-images.ts';
import type { Vulnerability } from '../model/image.ts';
import { compareFindings } from './compare-findings.ts';

const A = testLayer('a');
const B = testLayer('b');

function vulnerability(
  id: string,
  extra: Partial<Vulnerability['package']> = {},
  severity = 'High',
) {
  return { id, severity, package: { name: 'openssl', version: '3.0.11-1', type: 'deb', ...extra } };
}

const target = { digest: 'sha256:unused', relation: 'base' as const };

describe('compareFindings', () => {
  it('gives each status and the resolved list', () => {
    const base = testRecord('base', [A], {
      vulnerabilities: [vulnerability('CVE-1', {}, 'Medium'), vulnerability('CVE-GONE')],
    });
    const image = testRecord('image', [A, B], {
      vulnerabilities: [
        vulnerability('CVE-1'),
        vulnerability('CVE-2', { layerDiffId: A.diffId }),
        vulnerability('CVE-3', { layerDiffId: B.diffId }),
        vulnerability('CVE-4'),
      ],
    });

    const result = compareFindings(image, base, { ...target, digest: base.image.digest });
    const statuses = result.vulnerabilities.map((finding) => [finding.id, finding.status]);

    expect(statuses).toEqual([
      ['CVE-1', 'inherited'],
      ['CVE-2', 'inherited-unreported'],
      ['CVE-3', 'introduced'],
      ['CVE-4', 'introduced'],
    ]);
    expect(result.vulnerabilities[0]?.severity).toBe('High');
    expect(result.vulnerabilities[0]?.comparedSeverity).toBe('Medium');
    expect(result.resolved.vulnerabilities.map((finding) => finding.id)).toEqual(['CVE-GONE']);
    expect(result.counts).toMatchObject({ inherited: 1, introduced: 2, inheritedUnreported: 1 });
    expect(result.counts.resolved).toBe(1);
    expect(result.counts.bySeverity.High).toEqual({
      inherited: 1,
      introduced: 2,
      inheritedUnreported: 1,
      resolved: 1,
    });
  });

  it('identifies vulnerabilities by package path, else purl', () => {
    const base = testRecord('base', [A], {
      vulnerabilities: [
        vulnerability('CVE-1', { path: '/a' }),
        vulnerability('CVE-2', { purl: 'p1' }),
      ],
    });
    const image = testRecord('image', [A, B], {
      vulnerabilities: [
        vulnerability('CVE-1', { path: '/b' }),
        vulnerability('CVE-2', { purl: 'p1' }),
      ],
    });

    const result = compareFindings(image, base, target);

    expect(result.vulnerabilities.map((finding) => finding.status)).toEqual([
      'introduced',
      'inherited',
    ]);
  });

  it('matches an unreported finding by compressed layer digest', () => {
    const base = testRecord('base', [A], { vulnerabilities: [] });
    const image = testRecord('image', [A, B], {
      vulnerabilities: [vulnerability('CVE-1', { layerDigest: A.digest })],
    });

    expect(compareFindings(image, base, target).vulnerabilities[0]?.status).toBe(
      'inherited-unreported',
    );
  });

  it('leaves policy findings uncompared without an evaluation', () => {
    const finding = { gate: 'dockerfile', trigger: 'instruction', triggerId: 'x', action: 'warn' };
    const base = testRecord('base', [A], { hasPolicyEvaluation: false });
    const image = testRecord('image', [A, B], {
      policyFindings: [finding],
      hasPolicyEvaluation: true,
    });

    const result = compareFindings(image, base, target);

    expect(result.policyFindings).toEqual([{ ...finding, status: null }]);
    expect(result.counts.notCompared).toBe(1);
    expect(result.resolved.policyFindings).toEqual([]);
  });

  it('compares policy findings by gate, trigger and id', () => {
    const kept = { gate: 'g', trigger: 't', triggerId: '1' };
    const gone = { gate: 'g', trigger: 't', triggerId: '2' };
    const added = { gate: 'g', trigger: 't', triggerId: '3' };
    const base = testRecord('base', [A], {
      policyFindings: [kept, gone],
      hasPolicyEvaluation: true,
    });
    const image = testRecord('image', [A, B], {
      policyFindings: [{ ...kept, action: 'stop' }, added],
      hasPolicyEvaluation: true,
    });

    const result = compareFindings(image, base, target);

    expect(result.policyFindings.map((finding) => finding.status)).toEqual([
      'inherited',
      'introduced',
    ]);
    expect(result.resolved.policyFindings).toEqual([gone]);
  });

  it('lists nothing as resolved against an SBOM-only image', () => {
    const base = testRecord('base', [A], { vulnerabilities: [vulnerability('CVE-1')] });
    const image = testRecord('image', [A, B], { hasVulnerabilityScan: false });

    expect(compareFindings(image, base, target).resolved.vulnerabilities).toEqual([]);
  });
});
