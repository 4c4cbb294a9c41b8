import { existsSync } from 'node:fs';
import { withClient } from '@app/testing';
import { spawnScratchDatabase } from '../support/server-process';

/** The throwaway PostgreSQL that scripts/fleet-example.sh starts when no DATABASE_URL is given. */
describe('scratch-database.js', () => {
  it('prints the URL of a running database, then on SIGTERM stops it, removes its folder and exits 0', async () => {
    const server = spawnScratchDatabase('scratch_check');
    const deadline = Date.now() + 60_000;
    while (!server.stdout().includes('\n') && Date.now() < deadline && server.child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const url = server.stdout().trim();
    expect(url).toMatch(/^postgresql:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/scratch_check$/);
    const { database, dataDir } = await withClient(url, async (client) => {
      const rows = (await client.query('SELECT current_database() AS database, current_setting($1) AS "dataDir"', ['data_directory'])).rows;
      return rows[0] as { database: string; dataDir: string };
    });
    expect(database).toBe('scratch_check');
    expect(existsSync(dataDir)).toBe(true);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(existsSync(dataDir)).toBe(false);
    await expect(withClient(url, async () => undefined)).rejects.toThrow(/ECONNREFUSED/);
  }, 90_000);
});
