import {
  convertAnchorePolicyEvaluation,
  convertAnchoreVulnerabilities,
  convertGrypeReport,
  convertSyftSbom,
  convertTrivyReport,
  parseReportJson,
  REPORT_CONVERTERS,
  StrataError,
  type ConvertOptions,
  type ReportFormat,
} from '@strata/core';
import { describe, expect, it } from 'vitest';

import { scannerOutput, scannerOutputText, type ScannerOutputName } from './scanner-outputs.ts';

const DIGEST = `sha256:${'d'.repeat(64)}`;
const LAYERS = [`sha256:${'e'.repeat(64)}`, `sha256:${'f'.repeat(64)}`];
const TIME = '2026-01-31T12:00:00Z';

interface TrivyFile {
  Metadata: { DiffIDs: string[]; Layers: { Digest?: string; DiffID: string }[] };
  Results: { Vulnerabilities?: { Layer: { DiffID: string; Digest: string } }[] }[];
}

interface GrypeFile {
  matches: unknown[];
  source: { target: { manifestDigest: string; layers: { digest: string }[] } };
}

describe('convertTrivyReport', () => {
  it.each([
    'trivy/distroless-base.json',
    'trivy/distroless-python27.json',
    'trivy/spring4shell-jre8.json',
    'trivy/spring4shell-jre11.json',
  ] as const)('converts %s with layers and finding layers', (name) => {
    const report = scannerOutput(name) as TrivyFile;
    const event = convertTrivyReport(report, { digest: DIGEST });
    const findings = report.Results.flatMap((result) => result.Vulnerabilities ?? []);

    expect(event.image.layers.map((layer) => layer.diffId)).toEqual(report.Metadata.DiffIDs);
    expect(event.vulnerabilities).toHaveLength(findings.length);
    event.vulnerabilities?.forEach((finding, position) => {
      expect(finding.package.layerDiffId).toBe(findings[position]?.Layer.DiffID);
      expect(finding.package.layerDigest).toBe(findings[position]?.Layer.Digest);
    });
  });

  it('takes compressed digests from Metadata.Layers when complete', () => {
    const report = scannerOutput('trivy/distroless-python27.json') as TrivyFile;
    const event = convertTrivyReport(report, { digest: DIGEST });
    const complete =
      report.Metadata.Layers.length === report.Metadata.DiffIDs.length &&
      report.Metadata.Layers.every((layer) => layer.Digest !== undefined);

    expect(event.image.layerDigestSource).toBe(complete ? 'manifest' : 'diffId');
  });

  it('requires the manifest digest', () => {
    expect(() => convertTrivyReport(scannerOutput('trivy/distroless-base.json'))).toThrow(
      /missing manifest digest/,
    );
  });
});

describe('convertGrypeReport', () => {
  it.each([
    'grype/anchore-test_images-on-alpine.json',
    'grype/keycloak-21.0.2.json',
    'grype/defectdojo-django-1.13.1.json',
  ] as const)('converts %s', (name) => {
    const report = scannerOutput(name) as GrypeFile;
    const event = convertGrypeReport(report, { analyzedAt: TIME });
    const diffIds = report.source.target.layers.map((layer) => layer.digest);

    expect(event.image.digest).toBe(report.source.target.manifestDigest);
    expect(event.image.layers.map((layer) => layer.diffId)).toEqual(diffIds);
    expect(event.image.layers.map((layer) => layer.digest)).toEqual(diffIds);
    expect(event.image.layerDigestSource).toBe('diffId');
    expect(event.vulnerabilities).toHaveLength(report.matches.length);
    for (const finding of event.vulnerabilities ?? []) {
      expect(diffIds).toContain(finding.package.layerDiffId);
    }
  });

  it('uses given layer digests and keeps the diff IDs', () => {
    const report = scannerOutput('grype/anchore-test_images-on-alpine.json') as GrypeFile;
    const digests = report.source.target.layers.map((_, n) => `sha256:${String(n).repeat(64)}`);
    const event = convertGrypeReport(report, { layerDigests: digests });

    expect(event.image.layers.map((layer) => layer.digest)).toEqual(digests);
    expect(event.image.layerDigestSource).toBe('manifest');
  });

  it('reads the analysis time of the current schema', () => {
    const event = convertGrypeReport(scannerOutput('grype/keycloak-21.0.2.json'));

    expect(event.analyzedAt).toBe('2023-09-01T12:13:42.201Z');
  });

  it('requires an analysis time for the old schema', () => {
    expect(() => convertGrypeReport(scannerOutput('grype/defectdojo-django-1.13.1.json'))).toThrow(
      /missing analysis time/,
    );
  });
});

describe('convertSyftSbom', () => {
  it.each(['syft/alpine-latest.json', 'syft/alpine-3.16.json'] as const)('converts %s', (name) => {
    const event = convertSyftSbom(scannerOutput(name), { analyzedAt: TIME });

    expect(event.image.layers).toHaveLength(1);
    expect(event.vulnerabilities).toBeUndefined();
  });
});

describe('convertAnchoreVulnerabilities', () => {
  const name = 'anchore-engine/cloudbees-agent-vulns-with-base-digest.json';

  it('converts every vulnerability', () => {
    const report = scannerOutput(name) as { image_digest: string; vulnerabilities: unknown[] };
    const event = convertAnchoreVulnerabilities(report, { layerDigests: LAYERS, analyzedAt: TIME });

    expect(event.image.digest).toBe(report.image_digest);
    expect(event.vulnerabilities).toHaveLength(report.vulnerabilities.length);
  });

  it('requires the layers', () => {
    expect(() => convertAnchoreVulnerabilities(scannerOutput(name), { analyzedAt: TIME })).toThrow(
      /missing layers/,
    );
  });
});

describe('convertAnchorePolicyEvaluation', () => {
  it('converts every gate row', () => {
    const name = 'anchore-enterprise/builder-maven-policy-evaluation.json';
    const text = scannerOutputText(name);
    const rowCount = Number(/"row_count": (\d+)/.exec(text)?.[1]);
    const event = convertAnchorePolicyEvaluation(scannerOutput(name), { layerDigests: LAYERS });

    expect(event.policyFindings).toHaveLength(rowCount);
    expect(event.policyFindings?.[0]).toMatchObject({ gate: 'dockerfile', trigger: 'instruction' });
  });
});

type Mutation = (report: Record<string, unknown>) => void;

const MALFORMED_CASES: [ReportFormat, ScannerOutputName, ConvertOptions, string, Mutation][] = [
  [
    'trivy',
    'trivy/distroless-base.json',
    { digest: DIGEST },
    'Metadata.DiffIDs',
    (report) => {
      (report.Metadata as Record<string, unknown>).DiffIDs = 'sha256:x';
    },
  ],
  [
    'grype',
    'grype/keycloak-21.0.2.json',
    {},
    'matches',
    (report) => {
      report.matches = 42;
    },
  ],
  [
    'syft',
    'syft/alpine-latest.json',
    { analyzedAt: TIME },
    'source.type',
    (report) => {
      (report.source as Record<string, unknown>).type = 'directory';
    },
  ],
  [
    'anchore-vulnerabilities',
    'anchore-engine/cloudbees-agent-vulns-with-base-digest.json',
    { layerDigests: LAYERS, analyzedAt: TIME },
    'vulnerabilities[0].severity',
    (report) => {
      const [first] = report.vulnerabilities as Record<string, unknown>[];
      if (first !== undefined) first.severity = 3;
    },
  ],
  [
    'anchore-policy',
    'anchore-enterprise/builder-maven-policy-evaluation.json',
    { layerDigests: LAYERS },
    'detail',
    (report) => {
      const byDigest = Object.values(report)[0] as Record<string, Record<string, unknown[]>>;
      const evaluation = Object.values(Object.values(byDigest)[0] ?? {})[0]?.[0];
      if (typeof evaluation === 'object' && evaluation !== null) {
        Object.assign(evaluation, { detail: 7 });
      }
    },
  ],
];

function conversionError(format: ReportFormat, text: string, options: ConvertOptions): StrataError {
  try {
    REPORT_CONVERTERS[format](parseReportJson(format, text), options);
  } catch (error) {
    if (error instanceof StrataError) return error;
    throw error;
  }

  throw new Error('expected the conversion to fail');
}

describe('malformed reports', () => {
  it.each(MALFORMED_CASES)('%s: converts the intact file', (format, name, options) => {
    expect(REPORT_CONVERTERS[format](scannerOutput(name), options).schemaVersion).toBe(1);
  });

  it.each(MALFORMED_CASES)('%s: rejects truncated JSON', (format, name, options) => {
    const text = scannerOutputText(name);
    const error = conversionError(format, text.slice(0, text.length / 2), options);

    expect(error.code).toBe('INVALID_REPORT');
    expect(error.message).toContain('invalid JSON');
  });

  it.each(MALFORMED_CASES)(
    '%s: names the field of a wrong type',
    (format, name, options, field, mutate) => {
      const report = JSON.parse(scannerOutputText(name)) as Record<string, unknown>;
      mutate(report);
      const error = conversionError(format, JSON.stringify(report), options);

      expect(error.code).toBe('INVALID_REPORT');
      expect(error.message).toContain(`${field}:`);
    },
  );
});
