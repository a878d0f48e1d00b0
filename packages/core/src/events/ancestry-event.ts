import { z } from 'zod';

import { digestSchema, shortString, versionSchema } from './common-schemas.ts';

const relativeSchema = z
  .object({
    digest: digestSchema,
    others: z
      .array(z.object({ digest: digestSchema }).loose())
      .optional()
      .describe('Other images at the same level, which the representative rule did not pick.'),
  })
  .loose();

export const ancestorSchema = z
  .object({
    digest: digestSchema,
    tags: z.array(shortString),
    matchedLayers: z.number().int().positive(),
    layers: z
      .array(digestSchema)
      .describe('The matched layers: diff IDs when matchedBy is diffId, else layer digests.'),
    matchedBy: z.enum(['diffId', 'layerDigest']),
    markedBase: z.boolean().optional(),
  })
  .loose();

export const baseHintSchema = z
  .object({
    name: shortString.optional(),
    digest: shortString.optional(),
    status: z.enum(['confirmed', 'contradicted', 'unknown']),
  })
  .loose()
  .describe(
    'The org.opencontainers.image.base.* annotations checked against the layers: confirmed or ' +
      'contradicted by a stored image, unknown when the hinted image is not stored.',
  );

/** `image.ancestry`, version 1: the ancestors, parent, base and aliases of one image. */
export const ancestryEventSchema = z
  .object({
    schemaVersion: z.literal(1),
    version: versionSchema,
    image: z.object({ digest: digestSchema, tags: z.array(shortString) }).loose(),
    ancestors: z.array(ancestorSchema).describe('Nearest first.'),
    parent: relativeSchema.nullable(),
    base: relativeSchema.nullable(),
    aliases: z.array(z.object({ digest: digestSchema }).loose()),
    baseHint: baseHintSchema.optional(),
    replay: z.boolean().optional().describe('True when the result comes from a replay.'),
  })
  .loose();

export type AncestryEvent = z.infer<typeof ancestryEventSchema>;
export type Ancestor = z.infer<typeof ancestorSchema>;
export type BaseHint = z.infer<typeof baseHintSchema>;
