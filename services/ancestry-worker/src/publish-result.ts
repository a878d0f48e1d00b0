import type { Digest } from '@strata/core';
import type { AncestryContext } from './ancestry-context.ts';
import { contentHash } from './content-hash.ts';
import { resultMessage } from './result-message.ts';

type Ports = Pick<AncestryContext, 'bus' | 'versions' | 'objects' | 'settings' | 'clock'>;

/**
 * What happened to one result: `published` under a new version, `republished` under the
 * current version (a replay, or an earlier delivery that stopped before its publish), or
 * `unchanged` and `none` when nothing was sent.
 */
export type PublishOutcome = 'published' | 'republished' | 'unchanged' | 'none';

/** One result of one image, as `publishResult` takes it. */
export interface ResultContent {
  topic: string;
  type: string;
  digest: Digest;
  /** The result without version fields; null when the image has no result on this topic. */
  content: object | null;
  /** Builds the event body from the content and its version fields. */
  toBody: (version: number, replay: boolean) => Record<string, unknown>;
  /** Fields kept in the small event of a result stored in the object store. */
  summary: Record<string, unknown>;
  replay: boolean;
}

/** Hash recorded for a tombstone, the result of an image that has none any more. */
const NO_RESULT_HASH = 'none';

/**
 * Topic name under which the version store records the content hash of the last result whose
 * publish completed. `#` cannot occur in a Kafka topic name, so it never names a real topic.
 */
export function publishedMarker(topic: string): string {
  return `${topic}#published`;
}

async function versionToSend(
  ports: Ports,
  result: ResultContent,
  hash: string,
): Promise<{ version: number; outcome: PublishOutcome } | null> {
  const { digest, topic } = result;
  const version = await ports.versions.next(digest, topic, hash);
  if (version !== null) {
    return { version, outcome: 'published' };
  }

  // The latest version has this content already. It still needs sending when this is a replay,
  // or when the publish that recorded it never completed (the worker died in between).
  const sent = await ports.versions.current(digest, publishedMarker(topic));
  if (!result.replay && sent?.contentHash === hash) {
    return null;
  }

  const current = await ports.versions.current(digest, topic);
  if (current === null || current.contentHash !== hash) {
    return null;
  }

  return { version: current.version, outcome: 'republished' };
}

/**
 * Publishes one result of an image when its content changed since the latest version, under
 * the next version from the version store. A null content publishes a tombstone, but only
 * when the image had a result on the topic before. After the bus acknowledged the record, the
 * hash is recorded as sent, so a redelivered event can tell a finished publish from one that
 * was cut short.
 */
export async function publishResult(ports: Ports, result: ResultContent): Promise<PublishOutcome> {
  const { digest, topic } = result;
  if (result.content === null && (await ports.versions.current(digest, topic)) === null) {
    return 'none';
  }

  const hash = result.content === null ? NO_RESULT_HASH : contentHash(result.content);
  const send = await versionToSend(ports, result, hash);
  if (send === null) {
    return 'unchanged';
  }

  const replay = result.replay && result.content !== null;
  const message = await resultMessage(ports, {
    topic,
    type: result.type,
    digest,
    version: send.version,
    replay,
    body: result.content === null ? null : result.toBody(send.version, replay),
    summary: result.summary,
  });
  await ports.bus.publish(topic, [message]);
  await ports.versions.next(digest, publishedMarker(topic), hash);

  return send.outcome;
}
