import { z } from 'zod';

import { digestSchema, shortString } from './common-schemas.ts';
import { COMPARISON_RELATIONS } from './base-comparison-event.ts';

/** `image.indexed` (internal): an image is durable in the store and the chain index. */
export const indexedEventSchema = z
  .object({
    schemaVersion: z.literal(1),
    digest: digestSchema,
    analyzedAt: z.iso.datetime({ offset: true }),
    replay: z.boolean(),
  })
  .loose();

/** `image.deleted` (internal): an image was removed; its descendants need new results. */
export const deletedEventSchema = z
  .object({ schemaVersion: z.literal(1), digest: digestSchema, deletedAt: z.iso.datetime() })
  .loose();

/**
 * `image.base-marked`: a user marks or unmarks images as bases, either one image by digest or
 * every image with a tag matching a glob pattern (`*` matches any run of characters).
 */
export const baseMarkedEventSchema = z
  .object({
    schemaVersion: z.literal(1),
    digest: digestSchema.optional(),
    tagPattern: shortString.optional(),
    marked: z.boolean(),
  })
  .loose()
  .refine((event) => (event.digest === undefined) !== (event.tagPattern === undefined), {
    message: 'exactly one of digest and tagPattern is required',
    path: ['digest'],
  });

/** `image.recompute` (internal): recompute and republish the results of one image. */
export const recomputeEventSchema = z
  .object({
    schemaVersion: z.literal(1),
    digest: digestSchema,
    reason: z.enum(['ancestor-added', 'ancestor-removed', 'base-marked', 'replay', 'request']),
    comparedTo: z
      .object({ relation: z.enum(COMPARISON_RELATIONS), digest: digestSchema.optional() })
      .optional(),
    replay: z.boolean().optional(),
  })
  .loose();

export type IndexedEvent = z.infer<typeof indexedEventSchema>;
export type DeletedEvent = z.infer<typeof deletedEventSchema>;
export type BaseMarkedEvent = z.infer<typeof baseMarkedEventSchema>;
export type RecomputeEvent = z.infer<typeof recomputeEventSchema>;
