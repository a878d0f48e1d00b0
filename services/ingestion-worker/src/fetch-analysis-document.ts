import { createHash } from 'node:crypto';
import { analysisFindingsSchema, describeValue, parseWith, StrataError } from '@strata/core';
import type { AnalysisFindings, Digest, ObjectStore } from '@strata/core';

export interface AnalysisReference {
  uri: string;
  sha256: string;
}

export interface FetchAnalysisDocumentOptions {
  objects: ObjectStore;
  /** The only bucket references may point into: the bucket `objects` reads. */
  bucket: string;
  /** Largest document accepted, in bytes. */
  maxBytes: number;
  imageDigest: Digest;
}

/** Splits `s3://bucket/key` into its bucket and key; throws `INVALID_EVENT` for anything else. */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (match?.[1] === undefined || match[2] === undefined) {
    throw new StrataError(
      'INVALID_EVENT',
      `analysisRef.uri: expected s3://bucket/key, got ${describeValue(uri)}`,
      {
        details: { field: 'analysisRef.uri', value: describeValue(uri) },
      },
    );
  }

  return { bucket: match[1], key: match[2] };
}

function locate(reference: AnalysisReference, bucket: string): string {
  const location = parseS3Uri(reference.uri);
  if (location.bucket !== bucket) {
    throw new StrataError(
      'INVALID_EVENT',
      `analysisRef.uri: bucket ${describeValue(location.bucket)} is not the configured bucket ${bucket}`,
      { details: { field: 'analysisRef.uri', value: describeValue(reference.uri) } },
    );
  }

  return location.key;
}

function checkBytes(body: Uint8Array, reference: AnalysisReference, maxBytes: number): void {
  if (body.byteLength > maxBytes) {
    throw new StrataError(
      'LIMIT_EXCEEDED',
      `analysis document ${reference.uri} has ${body.byteLength} bytes, over the limit of ${maxBytes}`,
      { details: { field: 'analysisRef.uri', bytes: body.byteLength, maxBytes } },
    );
  }

  const actual = createHash('sha256').update(body).digest('hex');
  if (actual !== reference.sha256) {
    throw new StrataError(
      'ANALYSIS_DOCUMENT_MISMATCH',
      `analysis document ${reference.uri} has sha256 ${actual}, expected ${reference.sha256}`,
      { details: { field: 'analysisRef.sha256', expected: reference.sha256, actual } },
    );
  }
}

function parseDocument(body: Uint8Array, uri: string): AnalysisFindings {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body)) as unknown;
  } catch (error) {
    throw new StrataError('INVALID_EVENT', `analysis document ${uri} is not UTF-8 JSON`, {
      cause: error,
      details: { field: 'analysisRef.uri' },
    });
  }

  return parseWith(analysisFindingsSchema, json, `analysis document ${uri}`);
}

/**
 * Reads the analysis document an event refers to and returns its findings. Throws
 * `ANALYSIS_DOCUMENT_MISSING` when no object has the key, `ANALYSIS_DOCUMENT_MISMATCH` when its
 * SHA-256 differs, `LIMIT_EXCEEDED` when it is over `maxBytes` and `INVALID_EVENT` when the URI
 * or the content is invalid. Errors of the object store itself pass through unchanged, so a
 * retryable one stays retryable.
 */
export async function fetchAnalysisDocument(
  reference: AnalysisReference,
  options: FetchAnalysisDocumentOptions,
): Promise<AnalysisFindings> {
  const key = locate(reference, options.bucket);
  const body = await options.objects.get(key);
  if (body === null) {
    throw new StrataError(
      'ANALYSIS_DOCUMENT_MISSING',
      `analysis document ${reference.uri} not found`,
      {
        details: { field: 'analysisRef.uri', imageDigest: options.imageDigest, key },
      },
    );
  }

  checkBytes(body, reference, options.maxBytes);

  return parseDocument(body, reference.uri);
}
