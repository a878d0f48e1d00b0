import { createHash } from 'node:crypto';

import { StrataError } from '@strata/core';
import { z } from 'zod';

import type { ObjectBucket } from '../ports/port-set.ts';

const referenceSchema = z
  .object({
    resultRef: z.object({ uri: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).loose(),
  })
  .loose();

/**
 * Parses a result record's JSON. A large result arrives as a small event with a `resultRef`,
 * which holds `s3://bucket/key` and the SHA-256 of the body, so the full body is read from the
 * object store and checked. Raises `INVALID_EVENT` for invalid JSON and
 * `ANALYSIS_DOCUMENT_MISMATCH` when the stored body has another hash.
 */
export async function readResultBody(
  value: Buffer,
  objects: () => Promise<ObjectBucket>,
): Promise<unknown> {
  const body = parseJson(value, 'result');
  const reference = referenceSchema.safeParse(body);
  if (!reference.success) return body;

  const { uri, sha256 } = reference.data.resultRef;
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  const { store, bucket } = await objects();
  if (match?.[1] !== bucket || match[2] === undefined) {
    throw new StrataError('INVALID_EVENT', `resultRef ${uri} is not in bucket ${bucket}`);
  }

  const stored = await store.get(match[2]);
  if (stored === null) throw new StrataError('NOT_FOUND', `result document ${uri} not found`);
  const actual = createHash('sha256').update(stored).digest('hex');
  if (actual !== sha256) {
    throw new StrataError(
      'ANALYSIS_DOCUMENT_MISMATCH',
      `result document ${uri} has sha256 ${actual}, expected ${sha256}`,
    );
  }

  return parseJson(Buffer.from(stored), uri);
}

function parseJson(bytes: Buffer, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (error) {
    throw new StrataError('INVALID_EVENT', `${what}: invalid JSON`, { cause: error });
  }
}
