import type { AnalyzedEvent } from '@strata/core';

/** An input the command could not turn into an event, with the reason. */
export interface RejectedInput {
  /** File and line, reference or path the input came from. */
  source: string;
  reason: string;
}

/** Outcome of reading the inputs of one `strata publish`: events to send and rejected inputs. */
export interface PublishBatch {
  events: AnalyzedEvent[];
  rejected: RejectedInput[];
  /** Manifests that were read but are not images, such as attestations, with the reason. */
  skipped: { digest: string; reason: string }[];
}

export function emptyBatch(): PublishBatch {
  return { events: [], rejected: [], skipped: [] };
}

/** Returns the message of an error, for a rejected input. */
export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
