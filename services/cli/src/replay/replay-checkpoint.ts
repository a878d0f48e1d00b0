import { open, readFile, rename } from 'node:fs/promises';

import { StrataError } from '@strata/core';
import { z } from 'zod';

/** Selection of a replay: the source and the filters given on the command line. */
export const replaySelectionSchema = z.object({
  source: z.enum(['mongodb', 's3']),
  since: z.string().optional(),
  until: z.string().optional(),
  images: z.array(z.string()).optional(),
});

export type ReplaySelection = z.infer<typeof replaySelectionSchema>;

export const replayCheckpointSchema = z.object({
  version: z.literal(1),
  selection: replaySelectionSchema,
  /** Last item the bus acknowledged: an image digest (mongodb) or an object key (s3). */
  position: z.string().nullable(),
  /** Items published so far, over every run of this replay. */
  published: z.number().int().nonnegative(),
  done: z.boolean(),
  updatedAt: z.string(),
});

export type ReplayCheckpoint = z.infer<typeof replayCheckpointSchema>;

/** Reads a checkpoint file, or returns null when there is none. Raises for an invalid file. */
export async function readCheckpoint(path: string): Promise<ReplayCheckpoint | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }

  const parsed = replayCheckpointSchema.safeParse(safeJson(text));
  if (!parsed.success) {
    throw new StrataError(
      'INVALID_CONFIG',
      `checkpoint ${path} is invalid; delete it to start over`,
      {
        details: { path },
      },
    );
  }

  return parsed.data;
}

/**
 * Writes a checkpoint durably: to a temporary file that is flushed to disk, then renamed over
 * the old one, so a crash leaves either the old or the new checkpoint, never a torn one.
 */
export async function writeCheckpoint(path: string, checkpoint: ReplayCheckpoint): Promise<void> {
  const temporary = `${path}.tmp`;
  const file = await open(temporary, 'w');
  try {
    await file.writeFile(`${JSON.stringify(checkpoint, null, 2)}\n`);
    await file.sync();
  } finally {
    await file.close();
  }

  await rename(temporary, path);
}

/** Tells whether two selections name the same items, so a checkpoint of one fits the other. */
export function sameSelection(a: ReplaySelection, b: ReplaySelection): boolean {
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));
}

function normalize(selection: ReplaySelection) {
  return {
    source: selection.source,
    since: selection.since ?? null,
    until: selection.until ?? null,
    images: selection.images === undefined ? null : [...selection.images].sort(),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
