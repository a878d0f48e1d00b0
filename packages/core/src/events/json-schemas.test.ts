import { readdirSync, readFileSync } from 'node:fs';

import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';

import { eventJsonSchemas, EVENT_SCHEMAS } from './json-schemas.ts';
import { EVENT_TYPES, type EventName } from './topics.ts';

const SCHEMA_DIR = new URL('../../schemas/', import.meta.url);
const DIGEST = `sha256:${'2'.repeat(64)}`;
const TIME = '2026-01-31T12:00:00Z';

const SAMPLES: Record<EventName, { valid: unknown[]; invalid: unknown[] }> = {
  analyzed: {
    valid: [
      {
        schemaVersion: 1,
        analyzedAt: TIME,
        image: { digest: DIGEST, layers: [{ digest: DIGEST }] },
      },
      {
        schemaVersion: 1,
        analyzedAt: '2026-01-31T12:00:00.123+02:00',
        image: {
          digest: DIGEST,
          layers: [{ digest: DIGEST, diffId: DIGEST, size: 3 }],
          tags: ['a:b'],
        },
        analysisRef: { uri: 's3://b/k', sha256: 'f'.repeat(64) },
      },
    ],
    invalid: [
      {
        schemaVersion: 2,
        analyzedAt: TIME,
        image: { digest: DIGEST, layers: [{ digest: DIGEST }] },
      },
      {
        schemaVersion: 1,
        analyzedAt: TIME,
        image: { digest: 'sha256:1', layers: [{ digest: DIGEST }] },
      },
      {
        schemaVersion: 1,
        analyzedAt: 'yesterday',
        image: { digest: DIGEST, layers: [{ digest: DIGEST }] },
      },
      { schemaVersion: 1, analyzedAt: TIME, image: { digest: DIGEST, layers: [] } },
      {
        schemaVersion: 1,
        analyzedAt: TIME,
        image: { digest: DIGEST, layers: [{ digest: DIGEST }] },
        policyFindings: [],
        analysisRef: { uri: 's3://b/k', sha256: 'f'.repeat(64) },
      },
    ],
  },
  ancestry: {
    valid: [
      {
        schemaVersion: 1,
        version: 1,
        image: { digest: DIGEST, tags: [] },
        ancestors: [
          { digest: DIGEST, tags: [], matchedLayers: 1, layers: [DIGEST], matchedBy: 'diffId' },
        ],
        parent: { digest: DIGEST },
        base: null,
        aliases: [],
      },
    ],
    invalid: [
      {
        schemaVersion: 1,
        version: 0,
        image: { digest: DIGEST, tags: [] },
        ancestors: [],
        parent: null,
        base: null,
        aliases: [],
      },
      {
        schemaVersion: 1,
        version: 1,
        image: { digest: DIGEST, tags: [] },
        ancestors: [],
        parent: null,
        aliases: [],
      },
    ],
  },
  baseComparison: {
    valid: [
      {
        schemaVersion: 1,
        version: 3,
        image: { digest: DIGEST },
        comparedTo: { digest: DIGEST, relation: 'base' },
        vulnerabilities: [
          {
            id: 'CVE-1',
            package: { name: 'n', version: 'v', type: 'deb' },
            status: 'inherited',
            severity: 'High',
          },
        ],
        policyFindings: [{ gate: 'g', trigger: 't', triggerId: 'i', status: null }],
        resolved: { vulnerabilities: [], policyFindings: [] },
        counts: { inherited: 1, introduced: 0, inheritedUnreported: 0, resolved: 0 },
      },
    ],
    invalid: [
      {
        schemaVersion: 1,
        version: 3,
        image: { digest: DIGEST },
        comparedTo: { digest: DIGEST, relation: 'cousin' },
        vulnerabilities: [],
        policyFindings: [],
        resolved: { vulnerabilities: [], policyFindings: [] },
        counts: { inherited: 0, introduced: 0, inheritedUnreported: 0, resolved: 0 },
      },
    ],
  },
  indexed: {
    valid: [{ schemaVersion: 1, digest: DIGEST, analyzedAt: TIME, replay: false }],
    invalid: [{ schemaVersion: 1, digest: DIGEST, analyzedAt: TIME }],
  },
  deleted: {
    valid: [{ schemaVersion: 1, digest: DIGEST, deletedAt: TIME }],
    invalid: [{ schemaVersion: 1, deletedAt: TIME }],
  },
  baseMarked: {
    valid: [
      { schemaVersion: 1, digest: DIGEST, marked: true },
      { schemaVersion: 1, tagPattern: 'registry.example/golden/*', marked: false },
    ],
    invalid: [
      { schemaVersion: 1, marked: true },
      { schemaVersion: 1, digest: DIGEST, tagPattern: 'x*', marked: true },
    ],
  },
  recompute: {
    valid: [{ schemaVersion: 1, digest: DIGEST, reason: 'ancestor-added' }],
    invalid: [{ schemaVersion: 1, digest: DIGEST, reason: 'boredom' }],
  },
};

describe('eventJsonSchemas', () => {
  it('equals the committed schema files', () => {
    const generated = eventJsonSchemas();
    const committed = readdirSync(SCHEMA_DIR).filter((file) => file.endsWith('.schema.json'));

    expect(committed.sort()).toEqual(Object.keys(generated).sort());
    for (const [file, schema] of Object.entries(generated)) {
      const committedSchema: unknown = JSON.parse(readFileSync(new URL(file, SCHEMA_DIR), 'utf8'));
      expect(
        committedSchema,
        `${file} is stale; run pnpm --filter @strata/core generate:schemas`,
      ).toEqual(schema);
    }
  });

  it.each(Object.keys(EVENT_SCHEMAS) as EventName[])('judges %s samples as zod does', (name) => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const file = `${EVENT_TYPES[name].topic}.schema.json`;
    const validate = ajv.compile(eventJsonSchemas()[file] ?? {});
    const zodSchema = EVENT_SCHEMAS[name];
    for (const sample of SAMPLES[name].valid) {
      expect(zodSchema.safeParse(sample).success, JSON.stringify(sample)).toBe(true);
      expect(validate(sample), JSON.stringify(validate.errors)).toBe(true);
    }

    for (const sample of SAMPLES[name].invalid) {
      expect(zodSchema.safeParse(sample).success, JSON.stringify(sample)).toBe(false);
      expect(validate(sample), JSON.stringify(sample)).toBe(false);
    }
  });
});
