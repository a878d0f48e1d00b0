import { createHash, randomUUID } from 'node:crypto';

import { cloudEventHeaders, EVENT_TYPES, type AnalyzedEvent, type BusMessage } from '@strata/core';
import { REPLAY_HEADER } from '@strata/ingestion-worker';

import type { ObjectBucket } from '../ports/port-set.ts';

/**
 * Default largest record value sent inline, in bytes. Kafka brokers accept about 1 MiB per
 * record by default (`message.max.bytes`), and the headers and batch framing need some room.
 */
export const DEFAULT_MAX_INLINE_BYTES = 900 * 1024;

/** Key prefix of analysis documents the CLI uploads for `analysisRef`. */
export const ANALYSIS_PREFIX = 'analyses/';

export interface AnalyzedMessageOptions {
  /** Time of the event, ISO 8601, for `ce_time`. */
  time: string;
  /** `ce_source` of the event. */
  source: string;
  maxInlineBytes: number;
  /** Connects the object store when a document must be uploaded. */
  objects: () => Promise<ObjectBucket>;
  /** Sets the replay header, so workers mark their results as replayed. */
  replay?: boolean;
}

/**
 * Builds the Kafka record of an `image.analyzed` event: keyed by image digest, with CloudEvents
 * headers. When the JSON is over `maxInlineBytes` and the event has inline findings, the
 * findings go to the object store under `analyses/<algorithm>/<image hex>/<sha256>.json` and
 * the event carries an `analysisRef` to them, the form the ingestion worker fetches.
 */
export async function analyzedMessage(
  event: AnalyzedEvent,
  options: AnalyzedMessageOptions,
): Promise<BusMessage> {
  let body = Buffer.from(JSON.stringify(event));
  const hasFindings = event.vulnerabilities !== undefined || event.policyFindings !== undefined;
  if (body.length > options.maxInlineBytes && hasFindings) {
    body = Buffer.from(JSON.stringify(await uploadFindings(event, options)));
  }

  const headers = cloudEventHeaders({
    id: randomUUID(),
    type: EVENT_TYPES.analyzed.type,
    source: options.source,
    time: options.time,
  });
  if (options.replay === true) headers[REPLAY_HEADER] = 'true';

  return { key: event.image.digest, value: body, headers };
}

async function uploadFindings(event: AnalyzedEvent, options: AnalyzedMessageOptions) {
  const document: Record<string, unknown> = {};
  if (event.vulnerabilities !== undefined) document.vulnerabilities = event.vulnerabilities;
  if (event.policyFindings !== undefined) document.policyFindings = event.policyFindings;
  const bytes = Buffer.from(JSON.stringify(document));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const [algorithm, imageHex] = event.image.digest.split(':');
  const key = `${ANALYSIS_PREFIX}${algorithm}/${imageHex}/${sha256}.json`;
  const { store, bucket } = await options.objects();
  await store.put(key, bytes, 'application/json');
  const slim: AnalyzedEvent = { ...event, analysisRef: { uri: `s3://${bucket}/${key}`, sha256 } };
  delete slim.vulnerabilities;
  delete slim.policyFindings;

  return slim;
}
