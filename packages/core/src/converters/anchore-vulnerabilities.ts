import { z } from 'zod';

import type { AnalyzedEvent } from '../events/analyzed-event.ts';
import { parseWith } from '../events/parse-event.ts';
import {
  analysisTime,
  finishEvent,
  manifestLayers,
  type ConvertOptions,
} from './convert-options.ts';

const TOOL = 'Anchore vulnerability';

const anchoreVulnerabilitySchema = z.object({
  vuln: z.string(),
  severity: z.string(),
  package_name: z.string(),
  package_version: z.string(),
  package_type: z.string(),
  package_path: z.string().optional(),
  package_cpe23: z.string().optional(),
  fix: z.string(),
});

const anchoreVulnerabilityReportSchema = z.object({
  image_digest: z.string(),
  imageFullTag: z.string().optional(),
  vulnerabilities: z.array(anchoreVulnerabilitySchema),
});

/**
 * Converts an Anchore Engine or Enterprise image vulnerability report (`anchore-cli --json image
 * vuln IMAGE all`) to an `image.analyzed` event. The report lists no layers and no analysis time,
 * so `options.layerDigests` and `options.analyzedAt` are required. A `fix` of "None" means no
 * fixed version is known.
 */
export function convertAnchoreVulnerabilities(
  report: unknown,
  options: ConvertOptions = {},
): AnalyzedEvent {
  const parsed = parseWith(
    anchoreVulnerabilityReportSchema,
    report,
    `${TOOL} report`,
    'INVALID_REPORT',
  );
  const tags = [...(parsed.imageFullTag === undefined ? [] : [parsed.imageFullTag])];
  const vulnerabilities = parsed.vulnerabilities.map((finding) => ({
    id: finding.vuln,
    severity: finding.severity,
    package: {
      name: finding.package_name,
      version: finding.package_version,
      type: finding.package_type,
      path: finding.package_path,
    },
    fix:
      finding.fix === 'None'
        ? { state: 'not-fixed', versions: [] }
        : { state: 'fixed', versions: [finding.fix] },
  }));

  return finishEvent(TOOL, {
    schemaVersion: 1,
    analyzedAt: analysisTime(TOOL, undefined, options),
    image: {
      digest: options.digest ?? parsed.image_digest,
      layers: manifestLayers(TOOL, options),
      tags: [...tags, ...(options.tags ?? [])],
    },
    vulnerabilities,
  });
}
