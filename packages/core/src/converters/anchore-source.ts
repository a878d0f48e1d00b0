import { z } from 'zod';

import type { ConvertOptions } from './convert-options.ts';
import { eventLayers } from './convert-options.ts';

/** The `source` block Grype and Syft write for an image scan. */
export const imageSourceSchema = z.object({
  type: z.literal('image'),
  target: z.object({
    userInput: z.string().optional(),
    imageID: z.string().optional(),
    manifestDigest: z.string().optional(),
    tags: z.array(z.string()).nullish(),
    layers: z.array(z.object({ digest: z.string(), mediaType: z.string().optional() })).min(1),
    architecture: z.string().optional(),
    os: z.string().optional(),
  }),
});

export type ImageSource = z.infer<typeof imageSourceSchema>;

/**
 * Builds the `image` part of an event from a Grype or Syft source block. Both tools record the
 * diff IDs in `layers[].digest` (the uncompressed tar digests, even where the media type names a gzip layer), so
 * the compressed digests come from `options.layerDigests` or the diff IDs stand in for them.
 */
export function imageFromSource(tool: string, source: ImageSource, options: ConvertOptions) {
  const target = source.target;
  const reported = target.layers.map((layer) => ({ diffId: layer.digest }));
  const { layers, layerDigestSource } = eventLayers(tool, reported, options);
  const image: Record<string, unknown> = {
    digest: options.digest ?? target.manifestDigest,
    layers,
    layerDigestSource,
    tags: [...(target.tags ?? []), ...(options.tags ?? [])],
  };
  if (target.imageID !== undefined) image.configDigest = target.imageID;
  if (target.os !== undefined && target.architecture !== undefined) {
    image.platform = { os: target.os, architecture: target.architecture };
  }

  return image;
}
