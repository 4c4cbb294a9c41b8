import { migrate } from '../migrations/migration-runner';
import { withConfiguredDatabase } from './with-database';

/** `npm run db:migrate` */
void withConfiguredDatabase(async (databaseUrl) => {
  const applied = await migrate(databaseUrl);
  process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'already up to date\n');
});
