import { createHash } from 'node:crypto';

import { blobChains, diffIdChains } from '../chain-id.ts';
import type { ImageRecord, Layer } from '../model/image.ts';

/** Returns a sha256 digest of a text, for building test data. */
export function testDigest(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** Builds a stored record from layers, for tests. */
export function testRecord(
  name: string,
  layers: Layer[],
  extra: Partial<Omit<ImageRecord, 'image'>> & {
    tags?: string[];
    annotations?: Record<string, string>;
  } = {},
): ImageRecord {
  const { tags = [], annotations = {}, ...rest } = extra;

  return {
    image: { digest: testDigest(`image ${name}`), layers, tags, annotations },
    blobChains: blobChains(layers),
    diffIdChains: diffIdChains(layers),
    analyzedAt: '2026-01-31T12:00:00Z',
    vulnerabilities: [],
    policyFindings: [],
    hasPolicyEvaluation: false,
    markedBase: false,
    ...rest,
  };
}

/** Builds a layer whose diff ID and digest derive from a name and `compression`. */
export function testLayer(name: string, options: { compression?: string; diffId?: boolean } = {}) {
  const layer: Layer = { digest: testDigest(`${options.compression ?? 'gzip'} ${name}`) };
  if (options.diffId !== false) layer.diffId = testDigest(`tar ${name}`);

  return layer;
}
