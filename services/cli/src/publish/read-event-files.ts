import { analyzedEventSchema, parseWith } from '@strata/core';

import type { CommandIo } from '../command-io.ts';
import { readLines } from '../read-lines.ts';
import { reasonOf, type PublishBatch } from './publish-batch.ts';

function parseEvent(value: unknown) {
  return parseWith(analyzedEventSchema, value, 'image.analyzed event');
}

/**
 * Reads `image.analyzed` events from a file: one JSON event, a JSON array of events, or NDJSON
 * (one event per line). An invalid event or line is rejected on its own; the others are kept.
 */
export async function readEventFile(
  io: CommandIo,
  path: string,
  batch: PublishBatch,
): Promise<void> {
  const lines: { number: number; text: string }[] = [];
  for await (const line of readLines(io.openInput(path))) {
    if (line.text.trim() !== '') lines.push(line);
  }

  const whole = lines.map((line) => line.text).join('\n');
  const document = lines.length > 1 ? tryJson(whole) : undefined;
  if (document !== undefined) {
    const values = Array.isArray(document) ? (document as unknown[]) : [document];
    values.forEach((value, position) =>
      accept(batch, `${path}[${position}]`, () => parseEvent(value)),
    );

    return;
  }

  for (const line of lines) {
    accept(batch, `${path}:${line.number}`, () => parseEvent(JSON.parse(line.text) as unknown));
  }
}

function accept(batch: PublishBatch, source: string, parse: () => PublishBatch['events'][number]) {
  try {
    batch.events.push(parse());
  } catch (error) {
    batch.rejected.push({ source, reason: reasonOf(error) });
  }
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
