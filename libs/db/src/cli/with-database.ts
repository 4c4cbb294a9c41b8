import { loadConfig, type AppConfig } from '@app/config';
import { EmbeddedDatabase } from '../server/embedded-database';

/**
 * For the db:* scripts: runs `work` against DATABASE_URL, or against the embedded PostgreSQL
 * under DATA_DIR (started for the duration, then stopped). Prints one line on failure.
 */
export async function withConfiguredDatabase(work: (databaseUrl: string, config: AppConfig) => Promise<void>): Promise<void> {
  let embedded: EmbeddedDatabase | undefined;
  try {
    const config = loadConfig();
    if (!config.databaseUrl) {
      embedded = await EmbeddedDatabase.start({ dataDir: config.dataDir, port: config.embeddedDatabasePort, database: 'proving_ground' });
    }
    await work(config.databaseUrl ?? embedded!.url, config);
  } catch (error) {
    process.exitCode = 1;
    process.stderr.write(`proving-ground: ${(error as Error).message}\n`);
  } finally {
    await embedded?.stop();
  }
}
