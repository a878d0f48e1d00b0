import { z } from 'zod';

import type { AnalyzedEvent } from '../events/analyzed-event.ts';
import { parseWith } from '../events/parse-event.ts';
import { imageFromSource, imageSourceSchema } from './anchore-source.ts';
import { analysisTime, finishEvent, missing, type ConvertOptions } from './convert-options.ts';

const TOOL = 'Syft';

const syftSbomSchema = z.object({
  artifacts: z.array(z.object({ name: z.string() })),
  source: imageSourceSchema,
  schema: z.object({ version: z.string() }),
});

/**
 * Converts a Syft JSON SBOM to an `image.analyzed` event with layers and no findings: an SBOM is
 * no vulnerability scan, so the event carries no `vulnerabilities` field and the image is never
 * compared as if its scan had found nothing. Syft records no analysis time, so
 * `options.analyzedAt` is required.
 */
export function convertSyftSbom(sbom: unknown, options: ConvertOptions = {}): AnalyzedEvent {
  const parsed = parseWith(syftSbomSchema, sbom, `${TOOL} SBOM`, 'INVALID_REPORT');
  const image = imageFromSource(TOOL, parsed.source, options);
  if (image.digest === undefined) {
    missing(TOOL, 'manifest digest', 'pass it with --digest');
  }

  return finishEvent(TOOL, {
    schemaVersion: 1,
    analyzedAt: analysisTime(TOOL, undefined, options),
    image,
  });
}
