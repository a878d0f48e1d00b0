import type { ConsumedMessage, OriginalRecordBytes } from '@strata/core';
import type { IHeaders, KafkaMessage } from 'kafkajs';

/** Converts a record fetched by kafkajs into the bus's consumed message. */
export function toConsumedMessage(
  topic: string,
  partition: number,
  message: KafkaMessage,
): ConsumedMessage {
  const headers = headerValues(message.headers);

  return {
    topic,
    partition,
    offset: message.offset,
    timestamp: Number(message.timestamp),
    key: message.key === null ? null : message.key.toString('utf8'),
    value: message.value,
    headers: decodeHeaders(headers),
    original: { key: message.key ?? null, headers },
  };
}

/**
 * Lists every header value of a record in record order, repeated names included. Values other
 * than a Buffer, a string or null are skipped.
 *
 * kafkajs 2.2.4 decodes a value as a Buffer, or null when the producer sent none. It fills a plain
 * object and treats a name as new only when `obj[name] === undefined`. So a header named like an
 * `Object.prototype` member, such as `constructor`, arrives as an array that starts with the
 * inherited member.
 */
function headerValues(headers: IHeaders | undefined): OriginalRecordBytes['headers'] {
  const pairs: (readonly [string, Buffer | null])[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (item === null || Buffer.isBuffer(item)) {
        pairs.push([name, item]);
      } else if (typeof item === 'string') {
        pairs.push([name, Buffer.from(item, 'utf8')]);
      }
    }
  }

  return pairs;
}

/**
 * Decodes header values as UTF-8 into an object without prototype, so any header name is an
 * own key. Of a repeated header the last value wins, and a null value leaves the name out.
 */
function decodeHeaders(pairs: OriginalRecordBytes['headers']): Record<string, string> {
  const decoded: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of pairs) {
    if (value === null) {
      delete decoded[name];
    } else {
      decoded[name] = value.toString('utf8');
    }
  }

  return decoded;
}
