import { describe, expect, it } from 'vitest';

import type { ComparedVulnerability } from '../events/base-comparison-event.ts';
import { countFindings } from './count-findings.ts';

function finding(severity: string, status: ComparedVulnerability['status']) {
  return {
    id: `CVE-${severity}`,
    package: { name: 'openssl', version: '3.0.11-1', type: 'deb' },
    severity,
    status,
  };
}

const EMPTY_RESOLVED = { vulnerabilities: [], policyFindings: [] };

describe('countFindings', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'counts severity %s as its own key',
    (severity) => {
      const counts = countFindings([finding(severity, 'introduced')], [], EMPTY_RESOLVED);

      expect(Object.keys(counts.bySeverity)).toEqual([severity]);
      expect(Object.getOwnPropertyDescriptor(counts.bySeverity, severity)?.value).toEqual({
        inherited: 0,
        introduced: 1,
        inheritedUnreported: 0,
        resolved: 0,
      });
      expect(JSON.stringify(counts.bySeverity)).toContain(JSON.stringify(severity));
    },
  );

  it('leaves shared prototypes unchanged', () => {
    const vulnerabilities = ['__proto__', 'constructor'].map((severity) =>
      finding(severity, 'inherited'),
    );
    countFindings(vulnerabilities, [], {
      vulnerabilities: [{ severity: '__proto__' }],
      policyFindings: [],
    });

    expect(Object.prototype).not.toHaveProperty('inherited');
    expect(Object.prototype).not.toHaveProperty('resolved');
    expect(Object).not.toHaveProperty('inherited');
  });

  it('counts resolved findings per severity', () => {
    const counts = countFindings([finding('High', 'inherited')], [], {
      vulnerabilities: [{ severity: 'High' }, { severity: 'Low' }],
      policyFindings: [{}],
    });

    expect(counts.resolved).toBe(3);
    expect(counts.bySeverity.High?.resolved).toBe(1);
    expect(counts.bySeverity.Low?.resolved).toBe(1);
  });
});
