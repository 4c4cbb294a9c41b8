import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { renderSchema, SCHEMA_FILE } from './schema-file';

/** `npm run gql:schema`: rewrites schema.gql; a test fails while it is stale. */
void renderSchema().then((schema) => {
  writeFileSync(SCHEMA_FILE, schema);
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
});
