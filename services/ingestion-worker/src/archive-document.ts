import { createHash } from 'node:crypto';
import type { ImageRecord } from '@strata/core';
import { canonicalJson } from './canonical-json.ts';

/** An analysis document ready to store under its content-addressed key. */
export interface ArchivedDocument {
  key: string;
  /** Hex SHA-256 of `body`. */
  sha256: string;
  body: Buffer;
}

function toAnalyzedEvent(record: ImageRecord): Record<string, unknown> {
  return {
    schemaVersion: 1,
    analyzedAt: record.analyzedAt,
    image: record.image,
    vulnerabilities: record.hasVulnerabilityScan === false ? undefined : record.vulnerabilities,
    policyFindings: record.hasPolicyEvaluation ? record.policyFindings : undefined,
  };
}

/**
 * Builds the archive copy of a stored analysis: an `image.analyzed` version 1 event with the
 * findings inline, as canonical JSON, so re-publishing it reproduces the record without Kafka.
 * The key is `<prefix><algorithm>/<image hex>/<document sha256>.json`: equal analyses share one
 * key, and the archive of one image can be listed by prefix.
 */
export function archiveDocument(record: ImageRecord, prefix: string): ArchivedDocument {
  const body = Buffer.from(canonicalJson(toAnalyzedEvent(record)));
  const sha256 = createHash('sha256').update(body).digest('hex');
  const [algorithm, imageHex] = record.image.digest.split(':');

  return { key: `${prefix}${algorithm}/${imageHex}/${sha256}.json`, sha256, body };
}
