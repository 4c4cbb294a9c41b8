import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '@app/config';
import { EmbeddedDatabase } from './embedded-database';

export interface ScratchDatabase {
  /** Connection string of `database` on the scratch cluster. */
  url: string;
  /** The cluster's folder (removed by `stop()`). */
  dataDir: string;
  /** Stops PostgreSQL and removes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * A throwaway embedded PostgreSQL: a fresh cluster in a new temporary folder, on a free port of
 * 127.0.0.1, gone after `stop()`. For the test suites, `db:new-migration`'s shadow database and
 * the scripts that need a database nobody else uses.
 */
export async function startScratchDatabase(options: { prefix: string; database: string }): Promise<ScratchDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), options.prefix));
  try {
    const server = await EmbeddedDatabase.start({ dataDir, port: await findFreePort(), database: options.database });
    return {
      url: server.url,
      dataDir,
      async stop() {
        await server.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
