import { ConfigError } from '@app/config';
import { MigrationError } from '@app/db';

/** One line for the operator: what failed and what to change; a stack only for real bugs. */
export function describeStartupError(error: unknown): { line: string; showStack: boolean } {
  if (error instanceof ConfigError) return { line: `configuration error: ${error.message}`, showStack: false };
  if (error instanceof MigrationError) return { line: `database migration error: ${error.message}`, showStack: false };
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === '28P01' || code === '3D000') {
    return { line: `cannot use the database given by DATABASE_URL: ${(error as Error).message}`, showStack: false };
  }
  return { line: `start-up failed: ${error instanceof Error ? error.message : String(error)}`, showStack: true };
}
