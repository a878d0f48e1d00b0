import { z } from 'zod';

import { parseWith } from '../events/parse-event.ts';
import type { AnalyzedEvent } from '../events/analyzed-event.ts';
import {
  analysisTime,
  eventLayers,
  finishEvent,
  missing,
  type ConvertOptions,
} from './convert-options.ts';

const TOOL = 'Trivy';

const trivyVulnerabilitySchema = z.object({
  VulnerabilityID: z.string(),
  PkgName: z.string(),
  PkgPath: z.string().optional(),
  PkgIdentifier: z.object({ PURL: z.string().optional() }).optional(),
  InstalledVersion: z.string(),
  FixedVersion: z.string().optional(),
  Status: z.string().optional(),
  Severity: z.string(),
  Layer: z.object({ Digest: z.string().optional(), DiffID: z.string().optional() }).optional(),
});

const trivyReportSchema = z.object({
  SchemaVersion: z.literal(2),
  CreatedAt: z.string().optional(),
  Metadata: z.object({
    ImageID: z.string().optional(),
    DiffIDs: z.array(z.string()).min(1),
    RepoTags: z.array(z.string()).optional(),
    ImageConfig: z.object({ os: z.string(), architecture: z.string() }).optional(),
    Layers: z
      .array(z.object({ Digest: z.string().optional(), DiffID: z.string().optional() }))
      .optional(),
  }),
  Results: z
    .array(
      z.object({
        Class: z.string().optional(),
        Type: z.string().optional(),
        Vulnerabilities: z.array(trivyVulnerabilitySchema).nullish(),
      }),
    )
    .optional(),
});

type TrivyReport = z.infer<typeof trivyReportSchema>;

/**
 * Converts a Trivy JSON report (SchemaVersion 2) to an `image.analyzed` event. Diff IDs come from
 * `Metadata.DiffIDs`, compressed digests from `Metadata.Layers` when every layer has one, and
 * each finding keeps its layer (`Layer.DiffID` and `Layer.Digest`). Trivy does not record the
 * manifest digest, so `options.digest` is required.
 */
export function convertTrivyReport(report: unknown, options: ConvertOptions = {}): AnalyzedEvent {
  const parsed = parseWith(trivyReportSchema, report, `${TOOL} report`, 'INVALID_REPORT');
  const digest =
    options.digest ??
    missing(TOOL, 'manifest digest', 'Trivy does not record it; pass it with --digest');
  const metadata = parsed.Metadata;
  const compressed = new Map(
    (metadata.Layers ?? []).map((layer) => [layer.DiffID ?? '', layer.Digest]),
  );
  const reported = metadata.DiffIDs.map((diffId) => ({ diffId, digest: compressed.get(diffId) }));
  const { layers, layerDigestSource } = eventLayers(TOOL, reported, options);
  const image: Record<string, unknown> = {
    digest,
    layers,
    layerDigestSource,
    tags: [...(metadata.RepoTags ?? []), ...(options.tags ?? [])],
  };
  if (metadata.ImageID !== undefined) image.configDigest = metadata.ImageID;
  if (metadata.ImageConfig !== undefined) {
    image.platform = {
      os: metadata.ImageConfig.os,
      architecture: metadata.ImageConfig.architecture,
    };
  }

  return finishEvent(TOOL, {
    schemaVersion: 1,
    analyzedAt: analysisTime(TOOL, parsed.CreatedAt, options),
    image,
    vulnerabilities: trivyVulnerabilities(parsed),
  });
}

function trivyVulnerabilities(report: TrivyReport) {
  return (report.Results ?? []).flatMap((result) =>
    (result.Vulnerabilities ?? []).map((finding) => {
      const fixVersions = finding.FixedVersion?.split(',').map((version) => version.trim());

      return {
        id: finding.VulnerabilityID,
        severity: finding.Severity,
        package: {
          name: finding.PkgName,
          version: finding.InstalledVersion,
          type: result.Type ?? result.Class ?? 'unknown',
          path: finding.PkgPath,
          purl: finding.PkgIdentifier?.PURL,
          layerDiffId: finding.Layer?.DiffID,
          layerDigest: finding.Layer?.Digest,
        },
        fix: { state: finding.Status ?? 'unknown', versions: fixVersions },
      };
    }),
  );
}
