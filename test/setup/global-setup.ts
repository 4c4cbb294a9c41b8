import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Db from '@app/db';
import { adminQuery, databaseUrl, freePort, TEST_CLUSTER_URL_VARIABLE, TEST_TEMPLATE_DATABASE } from '../../libs/testing/src';

// Jest loads global setup with plain `require`, without its module mapper, so the `@app/*`
// aliases only resolve in the compiled build (`npm test` builds first).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { EmbeddedDatabase, migrate } = require('../../dist/libs/db/src') as typeof Db;

declare global {
  var provingTestCluster: { server: Db.EmbeddedDatabase; dataDir: string } | undefined;
}

/** One real PostgreSQL for the whole run; the template database is migrated once. */
export default async function globalSetup(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'proving-test-'));
  const server = await EmbeddedDatabase.start({ dataDir, port: await freePort(), database: 'postgres' });
  globalThis.provingTestCluster = { server, dataDir };
  process.env[TEST_CLUSTER_URL_VARIABLE] = server.url;
  await adminQuery(server.url, `CREATE DATABASE "${TEST_TEMPLATE_DATABASE}"`);
  await migrate(databaseUrl(server.url, TEST_TEMPLATE_DATABASE));
}
