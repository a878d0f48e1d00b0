import type { AnalyzedEvent } from '../events/analyzed-event.ts';
import { compareAnalysisTimes } from '../model/analysis-time.ts';
import type { Digest } from '../model/image.ts';

/**
 * Keeps the latest analysis of each image by `analyzedAt`. Between two analyses with the same
 * time, the one whose JSON text sorts first wins, so the choice does not depend on input order.
 */
export function latestAnalyses(events: Iterable<AnalyzedEvent>): AnalyzedEvent[] {
  const latest = new Map<Digest, Analysis>();
  for (const event of events) {
    const candidate = { event, text: JSON.stringify(event) };
    const current = latest.get(event.image.digest);
    if (current === undefined || isNewer(candidate, current)) {
      latest.set(event.image.digest, candidate);
    }
  }

  return [...latest.values()].map((entry) => entry.event);
}

interface Analysis {
  event: AnalyzedEvent;
  text: string;
}

function isNewer(a: Analysis, b: Analysis): boolean {
  const order = compareAnalysisTimes(a.event.analyzedAt, b.event.analyzedAt);

  return order === 0 ? a.text < b.text : order > 0;
}

/**
 * Tells whether an analysis describes an attestation manifest (platform `unknown/unknown`),
 * which an image index lists beside the images but which is not an image for ancestry.
 */
export function isAttestationManifest(event: AnalyzedEvent): boolean {
  const platform = event.image.platform;

  return platform?.os === 'unknown' && platform.architecture === 'unknown';
}
