import {
  analyzedEventSchema,
  parseWith,
  StrataError,
  type AnalysisFindings,
  type AnalyzedEvent,
  type Layer,
} from '@strata/core';

import type { PlatformImage } from './read-images.ts';

export interface ImageEventOptions {
  /** Analysis time, ISO 8601. */
  analyzedAt: string;
  /** Tags the image is known by, such as `registry.example:5000/app:1.0`. */
  tags?: readonly string[];
  /** Findings of a scan of this image; absent means the event carries no scan. */
  findings?: AnalysisFindings;
  /** `diffId` when the layer digests are the diff IDs, as in a legacy `docker save` tarball. */
  layerDigestSource?: 'manifest' | 'diffId';
}

/**
 * Builds the `image.analyzed` event of a platform image: layers from the manifest in order, each
 * with its diff ID from the config's `rootfs.diff_ids`, plus the manifest's annotations (which
 * carry the `org.opencontainers.image.base.*` hints). Raises `INVALID_REPORT` when the manifest
 * and the config list different numbers of layers, and the event schema's errors when a bound
 * is exceeded.
 */
export function imageEvent(image: PlatformImage, options: ImageEventOptions): AnalyzedEvent {
  const diffIds = image.config.rootfs.diff_ids;
  if (diffIds.length !== image.manifest.layers.length) {
    throw new StrataError(
      'INVALID_REPORT',
      `image ${image.digest}: manifest lists ${image.manifest.layers.length} layers but config ` +
        `${image.manifest.config.digest} lists ${diffIds.length} diff IDs`,
      { details: { imageDigest: image.digest } },
    );
  }

  const layers = image.manifest.layers.map((descriptor, position): Layer => {
    const layer: Layer = { digest: descriptor.digest, size: descriptor.size };
    const diffId = diffIds[position];
    if (diffId !== undefined) layer.diffId = diffId;
    if (descriptor.mediaType !== undefined) layer.mediaType = descriptor.mediaType;

    return layer;
  });
  const event = {
    schemaVersion: 1,
    analyzedAt: options.analyzedAt,
    image: {
      digest: image.digest,
      layers,
      tags: [...(options.tags ?? [])],
      indexDigest: image.indexDigest,
      platform: image.platform,
      configDigest: image.manifest.config.digest,
      annotations: image.manifest.annotations ?? {},
      layerDigestSource: options.layerDigestSource,
    },
    ...options.findings,
  };

  return parseWith(analyzedEventSchema, event, `image.analyzed event of ${image.digest}`);
}
