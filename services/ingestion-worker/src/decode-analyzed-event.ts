import {
  analyzedEventSchema,
  describeValue,
  EVENT_TYPES,
  parseWith,
  StrataError,
} from '@strata/core';
import type { AnalyzedEvent, BusMessage } from '@strata/core';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function invalid(message: string, details: Record<string, unknown>): StrataError {
  return new StrataError('INVALID_EVENT', message, { details });
}

function parseJson(value: Buffer | null): unknown {
  if (value === null || value.length === 0) {
    throw invalid('record value is empty; expected an image.analyzed JSON event', {
      field: 'value',
    });
  }

  let text: string;
  try {
    text = utf8.decode(value);
  } catch (error) {
    throw new StrataError('INVALID_EVENT', 'record value is not valid UTF-8', {
      cause: error,
      details: { field: 'value' },
    });
  }

  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw invalid(`record value is not JSON: ${reason}`, { field: 'value' });
  }
}

function checkEnvelope(message: BusMessage, event: AnalyzedEvent): void {
  const type = message.headers.ce_type;
  if (type !== undefined && type !== EVENT_TYPES.analyzed.type) {
    throw invalid(`ce_type: expected ${EVENT_TYPES.analyzed.type}, got ${describeValue(type)}`, {
      field: 'ce_type',
      value: type,
    });
  }

  if (message.key !== null && message.key !== event.image.digest) {
    throw invalid(
      `record key ${describeValue(message.key)} differs from image.digest ${event.image.digest}`,
      { field: 'key', imageDigest: event.image.digest },
    );
  }
}

/**
 * Decodes and validates one `image.analyzed` record: UTF-8 JSON, the version 1 schema, a
 * `ce_type` header when present, and a record key equal to `image.digest` when present. Throws
 * a non-retryable StrataError (`INVALID_EVENT`, `UNSUPPORTED_SCHEMA_VERSION` or
 * `LIMIT_EXCEEDED`) naming the field and value.
 */
export function decodeAnalyzedEvent(message: BusMessage): AnalyzedEvent {
  const json = parseJson(message.value);
  const event = parseWith(analyzedEventSchema, json, 'image.analyzed event');
  checkEnvelope(message, event);

  return event;
}
