import { createHash } from 'node:crypto';
import { cloudEventHeaders } from '@strata/core';
import type { BusMessage, Digest } from '@strata/core';
import type { AncestryContext } from './ancestry-context.ts';

/** CloudEvents `source` of every event the ancestry worker publishes. */
export const ANCESTRY_SOURCE = '/strata/ancestry-worker';

/**
 * Kafka headers every result carries besides the standard CloudEvents ones, as CloudEvents
 * extension attributes (lowercase letters only, as the specification requires): the result
 * version, and `true` on results of a replay.
 */
export const RESULT_HEADERS = {
  version: 'ce_strataversion',
  replay: 'ce_stratareplay',
} as const;

/** One result to publish: its topic, image, version and event body (null for a tombstone). */
export interface VersionedResult {
  topic: string;
  /** CloudEvents type of the topic's events. */
  type: string;
  digest: Digest;
  version: number;
  replay: boolean;
  /** The full event body, or null when the image no longer has a result on this topic. */
  body: Record<string, unknown> | null;
  /** Fields kept in the small event that replaces a body stored in the object store. */
  summary: Record<string, unknown>;
}

type Ports = Pick<AncestryContext, 'objects' | 'settings' | 'clock'>;

function resultHeaders(result: VersionedResult, now: Date): Record<string, string> {
  const headers = cloudEventHeaders({
    id: `${result.digest}/${result.version}`,
    type: result.type,
    source: ANCESTRY_SOURCE,
    time: now.toISOString(),
  });
  headers[RESULT_HEADERS.version] = String(result.version);
  if (result.replay) headers[RESULT_HEADERS.replay] = 'true';

  return headers;
}

/**
 * Stores a large body in the object store under a key named by its SHA-256, so a redelivered
 * result overwrites the same object, and returns the small event that refers to it.
 */
async function storeLargeBody(ports: Ports, result: VersionedResult, bytes: Buffer) {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const key = `${ports.settings.resultPrefix}${result.topic}/${sha256}.json`;
  await ports.objects.put(key, bytes, 'application/json');
  const reference: Record<string, unknown> = {
    schemaVersion: 1,
    version: result.version,
    image: { digest: result.digest },
    ...result.summary,
    resultRef: { uri: `s3://${ports.settings.bucket}/${key}`, sha256, bytes: bytes.length },
  };
  if (result.replay) reference.replay = true;

  return Buffer.from(JSON.stringify(reference));
}

/**
 * Builds the Kafka record of a result, keyed by image digest, with CloudEvents headers. A body
 * whose JSON exceeds `resultMaxInlineBytes` is stored in the object store and the record
 * carries a `resultRef` to it instead. A null body gives a tombstone: a record without value.
 */
export async function resultMessage(ports: Ports, result: VersionedResult): Promise<BusMessage> {
  const headers = resultHeaders(result, new Date(ports.clock()));
  if (result.body === null) {
    delete headers['content-type'];

    return { key: result.digest, value: null, headers };
  }

  const bytes = Buffer.from(JSON.stringify(result.body));
  const value =
    bytes.length > ports.settings.resultMaxInlineBytes
      ? await storeLargeBody(ports, result, bytes)
      : bytes;

  return { key: result.digest, value, headers };
}
