import { describeValue, parseWith, StrataError } from '@strata/core';
import type { BusMessage } from '@strata/core';
import type { z } from 'zod';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function invalid(message: string, details: Record<string, unknown>, cause?: unknown) {
  return new StrataError('INVALID_EVENT', message, { details, cause });
}

function parseJson(value: Buffer | null, what: string): unknown {
  if (value === null || value.length === 0) {
    throw invalid(`record value is empty; expected an ${what} JSON event`, { field: 'value' });
  }

  try {
    return JSON.parse(utf8.decode(value)) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw invalid(`record value is not UTF-8 JSON: ${reason}`, { field: 'value' }, error);
  }
}

/**
 * Decodes and validates one consumed record of an internal or user event: UTF-8 JSON, the
 * event's schema, a `ce_type` header equal to `type` when present, and a record key equal to
 * the event's digest when both are present. Throws a non-retryable StrataError naming the field.
 */
export function decodeEvent<T extends { digest?: string | undefined }>(
  message: BusMessage,
  schema: z.ZodType<T>,
  what: string,
  type: string,
): T {
  const event = parseWith(schema, parseJson(message.value, what), `${what} event`);
  const header = message.headers.ce_type;
  if (header !== undefined && header !== type) {
    throw invalid(`ce_type: expected ${type}, got ${describeValue(header)}`, {
      field: 'ce_type',
      value: header,
    });
  }

  if (message.key !== null && event.digest !== undefined && message.key !== event.digest) {
    throw invalid(`record key ${describeValue(message.key)} differs from digest ${event.digest}`, {
      field: 'key',
      imageDigest: event.digest,
    });
  }

  return event;
}
