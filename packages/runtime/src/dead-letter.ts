import { createHash } from 'node:crypto';

import type { BusMessage, ConsumedMessage, ObjectStore, OriginalRecordBytes } from '@strata/core';

/** Name of the dead-letter topic of `topic`. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

/** Header names a dead letter carries besides the original record's headers. */
export const DEAD_LETTER_HEADERS = {
  sourceTopic: 'strata-dlq-source-topic',
  sourcePartition: 'strata-dlq-source-partition',
  sourceOffset: 'strata-dlq-source-offset',
  sourceTimestamp: 'strata-dlq-source-timestamp',
  reasonCode: 'strata-dlq-reason-code',
  reasonMessage: 'strata-dlq-reason-message',
  deadLetteredAt: 'strata-dlq-time',
} as const;

/**
 * Headers that keep the original key and header bytes when the decoded strings lost some: the
 * key as base64, and the headers as a JSON list of `[name, base64 value]` pairs in record order.
 */
export const DEAD_LETTER_ORIGINAL_HEADERS = {
  keyBase64: 'strata-dlq-original-key-base64',
  headersBase64: 'strata-dlq-original-headers-base64',
} as const;

/** Headers of a dead letter whose original value was moved to the object store. */
export const DEAD_LETTER_VALUE_HEADERS = {
  uri: 'strata-dlq-value-uri',
  sha256: 'strata-dlq-value-sha256',
  bytes: 'strata-dlq-value-bytes',
} as const;

/** Maximum length of the reason message kept in a header, in characters. */
const MAX_REASON_LENGTH = 2000;

export interface DeadLetterReason {
  /** A code from the closed list of `@strata/core` errors, such as `INVALID_EVENT`. */
  code: string;
  message: string;
}

/** Names of every header a dead letter may add. Original headers of these names are left out. */
const ADDED_HEADER_NAMES: ReadonlySet<string> = new Set([
  ...Object.values(DEAD_LETTER_HEADERS),
  ...Object.values(DEAD_LETTER_ORIGINAL_HEADERS),
  ...Object.values(DEAD_LETTER_VALUE_HEADERS),
]);

function sameBytes(decoded: string | null, bytes: Buffer | null): boolean {
  if (decoded === null || bytes === null) {
    return decoded === bytes;
  }

  return Buffer.from(decoded, 'utf8').equals(bytes);
}

/**
 * Tells whether the decoded headers of `message` restore `original` exactly: each name once,
 * none named like a dead-letter header, and each value a UTF-8 text. A header without value
 * has no decoded form, so it never counts as restored.
 */
function headersLossless(message: ConsumedMessage, original: OriginalRecordBytes): boolean {
  const names = new Set(original.headers.map(([name]) => name));
  if (names.size !== original.headers.length) {
    return false;
  }

  return original.headers.every(
    ([name, bytes]) =>
      bytes !== null &&
      !ADDED_HEADER_NAMES.has(name) &&
      Object.hasOwn(message.headers, name) &&
      sameBytes(message.headers[name] ?? null, bytes),
  );
}

/** Encodes the decoded key and headers as UTF-8, for a bus that kept no original bytes. */
function encodeDecoded(message: ConsumedMessage): OriginalRecordBytes {
  return {
    key: message.key === null ? null : Buffer.from(message.key, 'utf8'),
    headers: Object.entries(message.headers).map(([name, value]) => [
      name,
      Buffer.from(value, 'utf8'),
    ]),
  };
}

/**
 * Headers that restore the original key and header bytes of `message`, for the parts whose
 * decoded strings differ from them. Those are bytes that are not UTF-8, a repeated header name,
 * a header without value, and a header named like a dead-letter header.
 */
function originalBytesHeaders(message: ConsumedMessage): Record<string, string> {
  const original = message.original ?? encodeDecoded(message);
  const headers: Record<string, string> = {};
  if (!sameBytes(message.key, original.key)) {
    headers[DEAD_LETTER_ORIGINAL_HEADERS.keyBase64] = original.key?.toString('base64') ?? '';
  }
  if (!headersLossless(message, original)) {
    const pairs = original.headers.map(([name, bytes]) => [
      name,
      bytes === null ? null : bytes.toString('base64'),
    ]);
    headers[DEAD_LETTER_ORIGINAL_HEADERS.headersBase64] = JSON.stringify(pairs);
  }

  return headers;
}

/** Copies `headers` without those named like a header the dead letter adds. */
function withoutAddedHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !ADDED_HEADER_NAMES.has(name)),
  );
}

/**
 * Builds the dead letter of a consumed record: the original key and value bytes unchanged, the
 * original headers, plus headers naming the source position, the reason and the time. Keeping
 * the value untouched lets an operator re-publish it as is once the cause is fixed. Decoding
 * loses bytes that are not UTF-8, repeated headers and headers without value, and the letter
 * leaves out original headers named like its own. In those cases the original bytes also travel
 * as base64 in `DEAD_LETTER_ORIGINAL_HEADERS`, so no byte of the record is lost.
 */
export function createDeadLetter(
  message: ConsumedMessage,
  reason: DeadLetterReason,
  now: Date,
): BusMessage {
  return {
    key: message.key,
    value: message.value,
    headers: {
      ...withoutAddedHeaders(message.headers),
      ...originalBytesHeaders(message),
      [DEAD_LETTER_HEADERS.sourceTopic]: message.topic,
      [DEAD_LETTER_HEADERS.sourcePartition]: String(message.partition),
      [DEAD_LETTER_HEADERS.sourceOffset]: message.offset,
      [DEAD_LETTER_HEADERS.sourceTimestamp]: new Date(message.timestamp).toISOString(),
      [DEAD_LETTER_HEADERS.reasonCode]: reason.code,
      [DEAD_LETTER_HEADERS.reasonMessage]: reason.message.slice(0, MAX_REASON_LENGTH),
      [DEAD_LETTER_HEADERS.deadLetteredAt]: now.toISOString(),
    },
  };
}

/** Source position and reason of a dead letter, read back from its headers. */
export interface DeadLetterInfo {
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  reasonCode: string;
  reasonMessage: string;
  deadLetteredAt: string;
  /** The original record's headers, without the dead-letter ones. */
  originalHeaders: Record<string, string>;
  /** Location of the original value, when it was too large to publish with the dead letter. */
  offloadedValue?: { uri: string; sha256: string; bytes: number };
  /** The original key bytes, when the key was not UTF-8. */
  originalKeyBytes?: Buffer;
  /**
   * Every original header as bytes in record order, null for a header without value, when one
   * was not UTF-8, had no value, was repeated or had a dead-letter header name.
   */
  originalHeaderBytes?: [string, Buffer | null][];
}

/** Reads the dead-letter headers of a record; returns null when it is not a dead letter. */
export function readDeadLetter(message: BusMessage): DeadLetterInfo | null {
  const headers = message.headers;
  const required = Object.values(DEAD_LETTER_HEADERS) as string[];
  if (required.some((name) => headers[name] === undefined)) {
    return null;
  }

  const originalHeaders = withoutAddedHeaders(headers);

  return {
    sourceTopic: headers[DEAD_LETTER_HEADERS.sourceTopic] ?? '',
    sourcePartition: Number(headers[DEAD_LETTER_HEADERS.sourcePartition]),
    sourceOffset: headers[DEAD_LETTER_HEADERS.sourceOffset] ?? '',
    reasonCode: headers[DEAD_LETTER_HEADERS.reasonCode] ?? '',
    reasonMessage: headers[DEAD_LETTER_HEADERS.reasonMessage] ?? '',
    deadLetteredAt: headers[DEAD_LETTER_HEADERS.deadLetteredAt] ?? '',
    originalHeaders,
    ...offloadedValue(headers),
    ...originalBytes(headers),
  };
}

/**
 * Reads a JSON list of `[name, base64 or null]` pairs. Returns undefined for any other content.
 */
function parsePairs(text: string): [string, string | null][] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const isPair = (item: unknown): item is [string, string | null] =>
    Array.isArray(item) &&
    item.length === 2 &&
    typeof item[0] === 'string' &&
    (typeof item[1] === 'string' || item[1] === null);

  return Array.isArray(parsed) && parsed.every(isPair) ? parsed : undefined;
}

function originalBytes(
  headers: Record<string, string>,
): Pick<DeadLetterInfo, 'originalKeyBytes' | 'originalHeaderBytes'> {
  const read: Pick<DeadLetterInfo, 'originalKeyBytes' | 'originalHeaderBytes'> = {};
  const key = headers[DEAD_LETTER_ORIGINAL_HEADERS.keyBase64];
  if (key !== undefined) {
    read.originalKeyBytes = Buffer.from(key, 'base64');
  }

  const list = headers[DEAD_LETTER_ORIGINAL_HEADERS.headersBase64];
  const pairs = list === undefined ? undefined : parsePairs(list);
  if (pairs !== undefined) {
    read.originalHeaderBytes = pairs.map(([name, value]) => [
      name,
      value === null ? null : Buffer.from(value, 'base64'),
    ]);
  }

  return read;
}

function offloadedValue(headers: Record<string, string>): Pick<DeadLetterInfo, 'offloadedValue'> {
  const uri = headers[DEAD_LETTER_VALUE_HEADERS.uri];
  if (uri === undefined) {
    return {};
  }

  const sha256 = headers[DEAD_LETTER_VALUE_HEADERS.sha256] ?? '';
  const bytes = Number(headers[DEAD_LETTER_VALUE_HEADERS.bytes]);

  return { offloadedValue: { uri, sha256, bytes } };
}

export interface OffloadOptions {
  objects: ObjectStore;
  /** Bucket `objects` writes to; only used to build the `s3://` URI of the header. */
  bucket: string;
  /** Key prefix of offloaded values. */
  prefix: string;
  /** Largest dead letter, key, value and headers counted, that is published as it is. */
  maxInlineBytes: number;
}

/** Size of a record as the broker counts it, approximately: key, value and header bytes. */
export function recordBytes(message: BusMessage): number {
  let bytes =
    (message.key === null ? 0 : Buffer.byteLength(message.key)) + (message.value?.length ?? 0);
  for (const [name, value] of Object.entries(message.headers)) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  }

  return bytes;
}

/**
 * Moves the value of a dead letter that would exceed `maxInlineBytes` to the object store, so the
 * dead letter fits under the broker's message size limit and the original bytes are still kept.
 * The dead letter then has no value and names the object, its sha256 and its size in headers.
 * A dead letter under the limit is returned unchanged.
 */
export async function offloadLargeDeadLetter(
  letter: BusMessage,
  source: Pick<ConsumedMessage, 'topic' | 'partition' | 'offset'>,
  options: OffloadOptions,
): Promise<BusMessage> {
  if (letter.value === null || recordBytes(letter) <= options.maxInlineBytes) {
    return letter;
  }

  const key = `${options.prefix}${source.topic}/${source.partition}/${source.offset}`;
  await options.objects.put(key, letter.value, 'application/octet-stream');

  return {
    key: letter.key,
    value: null,
    headers: {
      ...letter.headers,
      [DEAD_LETTER_VALUE_HEADERS.uri]: `s3://${options.bucket}/${key}`,
      [DEAD_LETTER_VALUE_HEADERS.sha256]: createHash('sha256').update(letter.value).digest('hex'),
      [DEAD_LETTER_VALUE_HEADERS.bytes]: String(letter.value.length),
    },
  };
}
