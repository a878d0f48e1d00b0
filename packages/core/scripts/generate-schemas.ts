// Writes packages/core/schemas/*.schema.json from the zod event schemas. Run after changing an
// event schema: `node --conditions=@strata/source packages/core/scripts/generate-schemas.ts`.
import { mkdirSync, writeFileSync } from 'node:fs';

import { eventJsonSchemas } from '../src/events/json-schemas.ts';

const directory = new URL('../schemas/', import.meta.url);
mkdirSync(directory, { recursive: true });
for (const [file, schema] of Object.entries(eventJsonSchemas())) {
  writeFileSync(new URL(file, directory), `${JSON.stringify(schema, null, 2)}\n`);
}
