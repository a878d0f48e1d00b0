import { parseWith, StrataError } from '@strata/core';
import type { z } from 'zod';

import { MAX_METADATA_BYTES } from './media-types.ts';

/**
 * Decodes UTF-8 JSON bytes and parses them with a schema. Raises `LIMIT_EXCEEDED` over
 * `MAX_METADATA_BYTES` and `INVALID_REPORT` naming `what` for invalid JSON or content.
 */
export function parseJsonBytes<T>(schema: z.ZodType<T>, bytes: Uint8Array, what: string): T {
  if (bytes.byteLength > MAX_METADATA_BYTES) {
    throw new StrataError(
      'LIMIT_EXCEEDED',
      `${what}: ${bytes.byteLength} bytes, over the limit of ${MAX_METADATA_BYTES}`,
      { details: { bytes: bytes.byteLength, maxBytes: MAX_METADATA_BYTES } },
    );
  }

  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
  } catch (error) {
    throw new StrataError('INVALID_REPORT', `${what}: not UTF-8 JSON`, { cause: error });
  }

  return parseWith(schema, json, what, 'INVALID_REPORT');
}
