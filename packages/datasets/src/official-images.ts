import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { analyzedEventSchema, parseWith, type AnalyzedEvent } from '@strata/core';
import { z } from 'zod';

import { OFFICIAL_IMAGES_DIR } from './paths.ts';

const officialImageSchema = z.object({
  ref: z.string(),
  platform: z.string(),
  manifestDigest: z.string(),
  manifestListDigest: z.string(),
  configDigest: z.string(),
  layers: z.array(z.string()),
  layerSizes: z.array(z.number()),
  totalCompressedSize: z.number(),
  lastHistoryEntry: z.string(),
  source: z.string(),
});

const expectedAncestrySchema = z.record(
  z.string(),
  z.object({
    parent: z.string().nullable(),
    base: z.string().nullable(),
    ancestors: z.array(z.string()),
  }),
);

/** One official Docker image: its manifest digest, ordered layers and where they were read. */
export type OfficialImage = z.infer<typeof officialImageSchema>;

/** Known ancestry of each official image by tag, from the Dockerfile `FROM` chains. */
export type ExpectedAncestry = z.infer<typeof expectedAncestrySchema>;

/** Reads the 16 official `linux/amd64` images of `official-images/images.json`. */
export function officialImages(): OfficialImage[] {
  const text = readFileSync(join(OFFICIAL_IMAGES_DIR, 'images.json'), 'utf8');

  return z.array(officialImageSchema).parse(JSON.parse(text));
}

/** Reads the expected parent, base and ancestors of each official image, keyed by tag. */
export function expectedAncestry(): ExpectedAncestry {
  const text = readFileSync(join(OFFICIAL_IMAGES_DIR, 'expected.json'), 'utf8');

  return expectedAncestrySchema.parse(JSON.parse(text));
}

/**
 * Converts an official image to an `image.analyzed` event: the manifest digest names the image,
 * layers come from `layers` and `layerSizes` (no diff IDs: the source lists none), the tag is
 * the image's ref and the analysis time is its last history entry.
 */
export function officialImageEvent(image: OfficialImage): AnalyzedEvent {
  const [os = '', architecture = ''] = image.platform.split('/');

  return parseWith(
    analyzedEventSchema,
    {
      schemaVersion: 1,
      analyzedAt: new Date(Date.parse(image.lastHistoryEntry)).toISOString(),
      image: {
        digest: image.manifestDigest,
        layers: image.layers.map((digest, position) => ({
          digest,
          size: image.layerSizes[position],
          mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
        })),
        tags: [image.ref],
        indexDigest: image.manifestListDigest,
        platform: { os, architecture },
        configDigest: image.configDigest,
      },
    },
    `official image ${image.ref}`,
  );
}

/** Returns the `image.analyzed` events of all official images, in file order. */
export function officialImageEvents(): AnalyzedEvent[] {
  return officialImages().map(officialImageEvent);
}
