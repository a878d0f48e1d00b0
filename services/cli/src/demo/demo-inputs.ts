import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { convertTrivyReport, parseDigest, type AnalyzedEvent } from '@strata/core';
import { officialImageEvents, scannerOutput, SCANNER_OUTPUTS_DIR } from '@strata/datasets';
import { z } from 'zod';

const indexSchema = z.object({
  files: z.array(
    z.object({ file: z.string(), image: z.string(), imageID: z.string().nullable() }).loose(),
  ),
});

/** The Trivy pair of the demo: a distroless base image and a Python 2.7 image built on it. */
const TRIVY_PAIR = ['trivy/distroless-base.json', 'trivy/distroless-python27.json'] as const;

export interface DemoInputs {
  events: AnalyzedEvent[];
  officialCount: number;
  scannerCount: number;
}

/**
 * Returns the demo's events: the bundled official images (layers only) and the Trivy pair (layers
 * and findings). Trivy does not record manifest digests, so the pair is named by the image IDs
 * (config digests) that the dataset's index records for them.
 */
export function demoInputs(): DemoInputs {
  const index = indexSchema.parse(
    JSON.parse(readFileSync(join(SCANNER_OUTPUTS_DIR, 'index.json'), 'utf8')) as unknown,
  );
  const scanned = TRIVY_PAIR.map((file) => {
    const entry = index.files.find((candidate) => candidate.file === file);
    const digest = parseDigest(entry?.imageID, `${file} imageID`);

    return convertTrivyReport(scannerOutput(file), { digest, tags: [entry?.image ?? file] });
  });
  const official = officialImageEvents();

  return {
    events: [...official, ...scanned],
    officialCount: official.length,
    scannerCount: scanned.length,
  };
}
