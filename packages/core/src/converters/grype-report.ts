import { z } from 'zod';

import type { AnalyzedEvent } from '../events/analyzed-event.ts';
import { parseWith } from '../events/parse-event.ts';
import { imageFromSource, imageSourceSchema } from './anchore-source.ts';
import { analysisTime, finishEvent, missing, type ConvertOptions } from './convert-options.ts';

const TOOL = 'Grype';

const locationSchema = z.object({ path: z.string().optional(), layerID: z.string().optional() });

const grypeMatchSchema = z.object({
  vulnerability: z.object({
    id: z.string(),
    severity: z.string(),
    fix: z.object({ state: z.string(), versions: z.array(z.string()).nullish() }).optional(),
  }),
  artifact: z.object({
    name: z.string(),
    version: z.string(),
    type: z.string(),
    purl: z.string().optional(),
    locations: z.array(locationSchema).nullish(),
  }),
});

const grypeReportSchema = z.object({
  matches: z.array(grypeMatchSchema),
  source: imageSourceSchema,
  descriptor: z.object({ name: z.string(), timestamp: z.string().optional() }).optional(),
});

/**
 * Converts a Grype JSON report to an `image.analyzed` event. Reads the current schema and the
 * old one of Grype 0.7 (no `fix`, no `timestamp`). Each finding keeps the layer of its package
 * as a diff ID; see {@link packageLayer} for which location is used.
 */
export function convertGrypeReport(report: unknown, options: ConvertOptions = {}): AnalyzedEvent {
  const parsed = parseWith(grypeReportSchema, report, `${TOOL} report`, 'INVALID_REPORT');
  const image = imageFromSource(TOOL, parsed.source, options);
  if (image.digest === undefined) {
    missing(TOOL, 'manifest digest', 'pass it with --digest');
  }

  const layerOrder = parsed.source.target.layers.map((layer) => layer.digest);
  const vulnerabilities = parsed.matches.map((match) => ({
    id: match.vulnerability.id,
    severity: match.vulnerability.severity,
    package: {
      name: match.artifact.name,
      version: match.artifact.version,
      type: match.artifact.type,
      path: match.artifact.locations?.[0]?.path,
      purl: emptyToUndefined(match.artifact.purl),
      layerDiffId: packageLayer(match.artifact.locations ?? [], layerOrder),
    },
    fix: fixOf(match.vulnerability.fix),
  }));

  return finishEvent(TOOL, {
    schemaVersion: 1,
    analyzedAt: analysisTime(TOOL, parsed.descriptor?.timestamp, options),
    image,
    vulnerabilities,
  });
}

/**
 * Picks the layer of a package among its locations: the topmost one. A package database such as
 * dpkg's status file is rewritten by every layer that installs anything, so the topmost layer
 * is the one where this version of the package is certainly present; an earlier layer may hold
 * an older version. Choosing it can only turn an `inherited-unreported` verdict into
 * `introduced`, never the reverse.
 */
export function packageLayer(
  locations: readonly { layerID?: string | undefined }[],
  layerOrder: readonly string[],
): string | undefined {
  let best: string | undefined;
  let bestPosition = -1;
  for (const location of locations) {
    const position = location.layerID === undefined ? -1 : layerOrder.indexOf(location.layerID);
    if (position > bestPosition) {
      best = location.layerID;
      bestPosition = position;
    }
  }

  return best;
}

function fixOf(fix: { state: string; versions?: string[] | null | undefined } | undefined) {
  if (fix === undefined) {
    return undefined;
  }

  return { state: fix.state, versions: fix.versions ?? [] };
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}
