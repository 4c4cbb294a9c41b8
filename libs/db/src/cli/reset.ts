import { Client } from 'pg';
import { migrate } from '../migrations/migration-runner';
import { withConfiguredDatabase } from './with-database';

/** `npm run db:reset`: drops every table of the public schema and migrates from scratch. Never in production. */
void withConfiguredDatabase(async (databaseUrl, config) => {
  if (config.isProduction) throw new Error('db:reset refuses to run with NODE_ENV=production');
  const client = new Client({ connectionString: databaseUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
  } finally {
    await client.end();
  }
  const applied = await migrate(databaseUrl);
  process.stdout.write(`reset; applied: ${applied.join(', ')}\n`);
});
