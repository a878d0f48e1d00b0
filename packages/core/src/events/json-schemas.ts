import { z } from 'zod';

import { LIMITS } from '../limits.ts';
import { analyzedEventSchema } from './analyzed-event.ts';
import { ancestryEventSchema } from './ancestry-event.ts';
import { baseComparisonEventSchema } from './base-comparison-event.ts';
import {
  baseMarkedEventSchema,
  deletedEventSchema,
  indexedEventSchema,
  recomputeEventSchema,
} from './internal-events.ts';
import { EVENT_TYPES, type EventName } from './topics.ts';

/** The zod schema of every event, by short name. */
export const EVENT_SCHEMAS = {
  analyzed: analyzedEventSchema,
  ancestry: ancestryEventSchema,
  baseComparison: baseComparisonEventSchema,
  indexed: indexedEventSchema,
  deleted: deletedEventSchema,
  baseMarked: baseMarkedEventSchema,
  recompute: recomputeEventSchema,
} as const satisfies Record<EventName, z.ZodType>;

/**
 * Constraints zod refinements express that `z.toJSONSchema` cannot translate, written out by
 * hand so that the JSON Schema judges every event as the zod schema does.
 */
const REFINEMENTS: Partial<Record<EventName, (schema: JsonObject) => void>> = {
  analyzed: (schema) => {
    schema.dependentSchemas = {
      analysisRef: {
        not: { anyOf: [{ required: ['vulnerabilities'] }, { required: ['policyFindings'] }] },
      },
    };
    const image = child(child(schema, 'properties'), 'image');
    child(child(image, 'properties'), 'annotations').maxProperties = LIMITS.maxAnnotations;
  },
  baseMarked: (schema) => {
    schema.oneOf = [{ required: ['digest'] }, { required: ['tagPattern'] }];
  },
};

type JsonObject = Record<string, unknown>;

function child(parent: JsonObject, key: string): JsonObject {
  const value = parent[key];
  if (typeof value !== 'object' || value === null) {
    throw new Error(`generated JSON Schema lacks ${key}`);
  }

  return value as JsonObject;
}

/**
 * Generates the JSON Schema (draft 2020-12) of every event from its zod schema, keyed by the
 * file name it is committed under in `packages/core/schemas/`.
 */
export function eventJsonSchemas(): Record<string, object> {
  const files: Record<string, object> = {};
  for (const [name, schema] of Object.entries(EVENT_SCHEMAS)) {
    const { topic, type } = EVENT_TYPES[name as EventName];
    const generated: JsonObject = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
    REFINEMENTS[name as EventName]?.(generated);
    files[`${topic}.schema.json`] = {
      ...generated,
      $id: `https://strata.dev/schemas/${topic}.schema.json`,
      title: topic,
      description: `Body of ${topic} events (CloudEvents type ${type}), schema version 1.`,
    };
  }

  return files;
}
