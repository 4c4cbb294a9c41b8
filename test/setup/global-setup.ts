import type * as Db from '@app/db';
import { adminQuery, databaseUrl, TEST_CLUSTER_URL_VARIABLE, TEST_TEMPLATE_DATABASE } from '../../libs/testing/src';

// Jest loads global setup with plain `require`, without its module mapper, so the `@app/*`
// aliases only resolve in the compiled build (`npm test` builds first).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startScratchDatabase, migrate } = require('../../dist/libs/db/src') as typeof Db;

declare global {
  var provingTestCluster: Db.ScratchDatabase | undefined;
}

/** One real PostgreSQL for the whole run; the template database is migrated once. */
export default async function globalSetup(): Promise<void> {
  const server = await startScratchDatabase({ prefix: 'proving-test-', database: 'postgres' });
  globalThis.provingTestCluster = server;
  process.env[TEST_CLUSTER_URL_VARIABLE] = server.url;
  await adminQuery(server.url, `CREATE DATABASE "${TEST_TEMPLATE_DATABASE}"`);
  await migrate(databaseUrl(server.url, TEST_TEMPLATE_DATABASE));
}
