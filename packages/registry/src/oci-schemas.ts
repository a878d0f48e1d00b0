import { digestSchema } from '@strata/core';
import { z } from 'zod';

const annotationsSchema = z.record(z.string(), z.string());

/** A content descriptor: the digest, size and media type of one blob or manifest. */
export const descriptorSchema = z
  .object({
    mediaType: z.string().optional(),
    digest: digestSchema,
    size: z.number().int().nonnegative(),
    annotations: annotationsSchema.optional(),
    platform: z
      .object({ os: z.string(), architecture: z.string(), variant: z.string().optional() })
      .loose()
      .optional(),
  })
  .loose();

/** An image manifest, OCI or Docker v2 schema 2. */
export const manifestSchema = z
  .object({
    schemaVersion: z.literal(2),
    mediaType: z.string().optional(),
    config: descriptorSchema,
    layers: z.array(descriptorSchema),
    annotations: annotationsSchema.optional(),
  })
  .loose();

/** An image index (OCI) or manifest list (Docker). */
export const indexSchema = z
  .object({
    schemaVersion: z.literal(2),
    mediaType: z.string().optional(),
    manifests: z.array(descriptorSchema),
    annotations: annotationsSchema.optional(),
  })
  .loose();

/** The parts of an image config Strata reads. */
export const imageConfigSchema = z
  .object({
    os: z.string().optional(),
    architecture: z.string().optional(),
    variant: z.string().optional(),
    created: z.string().optional(),
    rootfs: z.object({ type: z.string(), diff_ids: z.array(digestSchema) }).loose(),
  })
  .loose();

export type Descriptor = z.infer<typeof descriptorSchema>;
export type Manifest = z.infer<typeof manifestSchema>;
export type ImageIndex = z.infer<typeof indexSchema>;
export type ImageConfig = z.infer<typeof imageConfigSchema>;
