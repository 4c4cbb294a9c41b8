import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * Test databases: the global setup starts one embedded PostgreSQL and migrates a template
 * database once; every suite clones its own database from it (CREATE DATABASE … TEMPLATE,
 * milliseconds) so suites never see each other's rows. The cluster's address travels from the
 * global setup to the Jest workers in these environment variables (test infrastructure only).
 */
export const TEST_CLUSTER_URL_VARIABLE = 'PROVING_TEST_CLUSTER_URL';
export const TEST_TEMPLATE_DATABASE = 'proving_template';

export interface TestDatabase {
  name: string;
  url: string;
  /** Drops the database (terminating any connection left open). */
  drop(): Promise<void>;
}

export function testClusterUrl(): string {
  const url = process.env[TEST_CLUSTER_URL_VARIABLE];
  if (!url) throw new Error(`${TEST_CLUSTER_URL_VARIABLE} is not set: run this suite through the int or e2e Jest project`);
  return url;
}

export function databaseUrl(clusterUrl: string, database: string): string {
  const url = new URL(clusterUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A fresh database: migrated (cloned from the template) unless `empty` is set. */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const clusterUrl = testClusterUrl();
  const name = `test_${process.env.JEST_WORKER_ID ?? '0'}_${randomBytes(4).toString('hex')}`;
  await adminQuery(clusterUrl, `CREATE DATABASE "${name}"${options.empty ? '' : ` TEMPLATE "${TEST_TEMPLATE_DATABASE}"`}`);
  return {
    name,
    url: databaseUrl(clusterUrl, name),
    drop: () => adminQuery(clusterUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/** Runs one statement on the cluster's maintenance database. */
export async function adminQuery(clusterUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: clusterUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Runs `work` with a connected client on `url`, closing it afterwards. */
export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
