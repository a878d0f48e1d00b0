import { cloudEventHeaders, EVENT_TYPES } from '@strata/core';
import type { Digest } from '@strata/core';
import type { Message } from 'kafkajs';
import { z } from 'zod';
import { generateImages } from './image-families.ts';
import type { FamilyOptions, GeneratedImage } from './image-families.ts';

/** Fixed event time, so that two runs with one seed publish the same bytes. */
const EVENT_TIME = '2026-11-30T12:00:00.000Z';

/** Builds the `image.analyzed` record of a generated image, keyed by its digest. */
export function analyzedMessage(generated: GeneratedImage): Message {
  const { image, vulnerabilities, analyzedAt } = generated.record;
  const digest = image.digest;
  const event = {
    schemaVersion: 1,
    analyzedAt,
    image: { digest, layers: image.layers, tags: image.tags, platform: image.platform },
    vulnerabilities,
  };
  const headers = cloudEventHeaders({
    id: `${digest}/bench`,
    type: EVENT_TYPES.analyzed.type,
    source: 'strata-bench',
    time: EVENT_TIME,
  });

  return { key: digest, value: JSON.stringify(event), headers };
}

/** The `image.analyzed` records of generated images, made lazily, with findings. */
export function* analyzedMessages(options: FamilyOptions): Generator<Message> {
  for (const generated of generateImages({ ...options, withFindings: true })) {
    yield analyzedMessage(generated);
  }
}

/** The digests of the images `analyzedMessages` publishes for the same options, in order. */
export function generatedDigests(options: FamilyOptions): Digest[] {
  const images = generateImages({ ...options, withFindings: true });

  return [...images].map((generated) => generated.record.image.digest);
}

const relativesSchema = z.object({
  ancestors: z.array(z.object({ digest: z.string() })),
  aliases: z.array(z.object({ digest: z.string() })),
});

/** Tells whether an `image.ancestry` record lists `digest` among its ancestors or aliases. */
export function mentions(value: Buffer | null, digest: Digest): boolean {
  if (value === null) {
    return false;
  }

  const parsed = relativesSchema.safeParse(JSON.parse(value.toString('utf8')));
  if (!parsed.success) {
    return false;
  }

  const { ancestors, aliases } = parsed.data;

  return [...ancestors, ...aliases].some((relative) => relative.digest === digest);
}
