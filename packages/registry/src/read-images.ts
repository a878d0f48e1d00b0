import { StrataError, type Digest, type Platform } from '@strata/core';
import { z } from 'zod';

import type { ContentSource, FetchedManifest } from './content-source.ts';
import { isIndexMediaType } from './media-types.ts';
import {
  imageConfigSchema,
  indexSchema,
  manifestSchema,
  type Descriptor,
  type ImageConfig,
  type Manifest,
} from './oci-schemas.ts';
import { parseJsonBytes } from './parse-json-bytes.ts';
import { verifyDigest } from './verify-digest.ts';

/** Config media types of container images; other configs belong to artifacts, not images. */
const IMAGE_CONFIG_TYPES = new Set([
  'application/vnd.oci.image.config.v1+json',
  'application/vnd.docker.container.image.v1+json',
]);

/** Annotation BuildKit sets on attestation manifests inside an index. */
const REFERENCE_TYPE_ANNOTATION = 'vnd.docker.reference.type';

const mediaTypeProbeSchema = z.object({ manifests: z.unknown().optional() }).loose();

/** Nesting depth of indexes followed. An index of indexes is rare, and deeper nesting is rejected. */
const MAX_INDEX_DEPTH = 2;

/** One platform image read from a source. */
export interface PlatformImage {
  /** Manifest digest: the image's name. */
  digest: Digest;
  manifest: Manifest;
  config: ImageConfig;
  /** Digest of the index the image was reached through, when it was. */
  indexDigest?: Digest;
  platform?: Platform;
}

/** A manifest the reader passed over, with the reason. */
export interface SkippedManifest {
  digest: Digest;
  reason: string;
}

export interface ReadImagesResult {
  images: PlatformImage[];
  skipped: SkippedManifest[];
}

/**
 * Reads the platform images a reference names: the image itself when it is a manifest, or each
 * image entry of an index. Attestation manifests (platform `unknown/unknown` or a
 * `vnd.docker.reference.type` annotation) and artifacts (a non-image config) are skipped and
 * listed with the reason. Raises `INVALID_REPORT` for malformed content or a digest mismatch.
 */
export async function readImages(
  source: ContentSource,
  reference: string,
): Promise<ReadImagesResult> {
  const result: ReadImagesResult = { images: [], skipped: [] };
  const top = await source.fetchManifest(reference);
  await readFetched(source, top, undefined, 0, result);

  return result;
}

async function readFetched(
  source: ContentSource,
  fetched: FetchedManifest,
  descriptor: Descriptor | undefined,
  depth: number,
  result: ReadImagesResult,
): Promise<void> {
  if (isIndex(fetched, descriptor)) {
    await readIndex(source, fetched, depth, result);

    return;
  }

  const manifest = parseJsonBytes(manifestSchema, fetched.body, `manifest ${fetched.digest}`);
  const configType = manifest.config.mediaType;
  if (configType !== undefined && !IMAGE_CONFIG_TYPES.has(configType)) {
    result.skipped.push({ digest: fetched.digest, reason: `artifact with config ${configType}` });

    return;
  }

  const config = await readConfig(source, manifest.config);
  result.images.push(platformImage(fetched.digest, manifest, config, descriptor));
}

async function readIndex(
  source: ContentSource,
  fetched: FetchedManifest,
  depth: number,
  result: ReadImagesResult,
): Promise<void> {
  if (depth >= MAX_INDEX_DEPTH) {
    throw new StrataError('INVALID_REPORT', `index ${fetched.digest}: nested too deep`, {
      details: { indexDigest: fetched.digest, maxDepth: MAX_INDEX_DEPTH },
    });
  }

  const index = parseJsonBytes(indexSchema, fetched.body, `index ${fetched.digest}`);
  for (const entry of index.manifests) {
    const reason = attestationReason(entry);
    if (reason !== undefined) {
      result.skipped.push({ digest: entry.digest, reason });
      continue;
    }

    const child = await source.fetchManifest(entry.digest);
    const before = result.images.length;
    await readFetched(source, child, entry, depth + 1, result);
    for (const image of result.images.slice(before)) {
      image.indexDigest ??= fetched.digest;
    }
  }
}

function isIndex(fetched: FetchedManifest, descriptor: Descriptor | undefined): boolean {
  const mediaType = fetched.mediaType ?? descriptor?.mediaType;
  if (mediaType !== undefined) {
    return isIndexMediaType(mediaType);
  }

  // An OCI layout may omit media types, so an index is recognized by its `manifests` array.
  const shape = parseJsonBytes(mediaTypeProbeSchema, fetched.body, `manifest ${fetched.digest}`);

  return shape.manifests !== undefined;
}

function attestationReason(entry: Descriptor): string | undefined {
  if (entry.platform?.os === 'unknown' && entry.platform.architecture === 'unknown') {
    return 'attestation manifest (platform unknown/unknown)';
  }

  const referenceType = entry.annotations?.[REFERENCE_TYPE_ANNOTATION];
  if (referenceType !== undefined) {
    return `attestation manifest (${REFERENCE_TYPE_ANNOTATION} ${referenceType})`;
  }

  return undefined;
}

async function readConfig(source: ContentSource, descriptor: Descriptor): Promise<ImageConfig> {
  const bytes = await source.fetchBlob(descriptor.digest);
  verifyDigest(bytes, descriptor.digest, `config ${descriptor.digest}`);

  return parseJsonBytes(imageConfigSchema, bytes, `config ${descriptor.digest}`);
}

function platformImage(
  digest: Digest,
  manifest: Manifest,
  config: ImageConfig,
  descriptor: Descriptor | undefined,
): PlatformImage {
  const image: PlatformImage = { digest, manifest, config };
  const os = descriptor?.platform?.os ?? config.os;
  const architecture = descriptor?.platform?.architecture ?? config.architecture;
  if (os !== undefined && architecture !== undefined) {
    const variant = descriptor?.platform?.variant ?? config.variant;
    image.platform = variant === undefined ? { os, architecture } : { os, architecture, variant };
  }

  return image;
}
