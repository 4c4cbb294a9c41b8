import { startScratchDatabase } from '../server/scratch-database';

/**
 * `node dist/libs/db/src/cli/scratch-database.js [database]`: starts a throwaway embedded
 * PostgreSQL (a new temporary folder, a free port on 127.0.0.1), prints its connection string as
 * one line on stdout, and runs until SIGINT or SIGTERM, then stops it and removes the folder.
 * For scripts that need a database of their own (scripts/fleet-example.sh); nothing is migrated.
 */
async function main(database: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database)) {
    process.stderr.write('usage: scratch-database.js [database]   (database: lowercase letters, digits, underscores)\n');
    process.exitCode = 64;
    return;
  }
  // Held until the database is up, so a signal during start-up still stops what was started.
  let stopRequested = false;
  let requestStop = () => void (stopRequested = true);
  process.on('SIGINT', () => requestStop());
  process.on('SIGTERM', () => requestStop());
  const server = await startScratchDatabase({ prefix: 'proving-scratch-', database });
  const stopped = new Promise<void>((resolve) => {
    requestStop = () => void server.stop().then(resolve);
  });
  if (stopRequested) requestStop();
  else process.stdout.write(`${server.url}\n`);
  await stopped;
}

main(process.argv[2] ?? 'proving_ground').catch((error: unknown) => {
  process.stderr.write(`proving-ground: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
