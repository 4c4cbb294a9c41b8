import { Inject, Injectable, Logger } from '@nestjs/common';
import { HealthRepository } from '@app/db';
import type { ScoringQueue } from '@app/queue';
import { SCORING_QUEUE } from '../submissions/submissions.service';
import { LifecycleService } from './lifecycle.service';

/** A check that does not answer within this is a failed check: readiness answers, it never hangs. */
const CHECK_TIMEOUT_MS = 3_000;

export interface Readiness {
  ready: boolean;
  checks: {
    database: 'ok' | 'unreachable';
    queue: 'ok' | 'unreachable' | 'unknown';
    migrations: 'current' | 'pending' | 'unknown';
    process: 'serving' | 'draining';
  };
  pendingMigrations?: string[];
}

@Injectable()
export class HealthService {
  private readonly logger = new Logger('Readiness');

  constructor(
    private readonly health: HealthRepository,
    private readonly lifecycle: LifecycleService,
    @Inject(SCORING_QUEUE) private readonly queue: ScoringQueue,
  ) {}

  /** Ready = serving, the database and the job queue answer, and every migration this build ships is applied. */
  async readiness(): Promise<Readiness> {
    const process = this.lifecycle.isDraining ? 'draining' : 'serving';
    try {
      await withinTimeout(this.health.ping(), 'the database');
    } catch (error) {
      this.logger.warn(`database unreachable: ${(error as Error).message}`);
      return { ready: false, checks: { database: 'unreachable', queue: 'unknown', migrations: 'unknown', process } };
    }
    let queue: Readiness['checks']['queue'] = 'ok';
    try {
      // The queue has connections of its own (pg-boss's pool) and a schema of its own: a submission
      // cannot be taken when either is broken, even with the database answering.
      await withinTimeout(this.queue.ping(), 'the job queue');
    } catch (error) {
      this.logger.warn(`job queue unreachable: ${(error as Error).message}`);
      queue = 'unreachable';
    }
    let status;
    try {
      status = await withinTimeout(this.health.migrationStatus(), 'the migration status');
    } catch (error) {
      this.logger.warn(`migration status unreadable: ${(error as Error).message}`);
      return { ready: false, checks: { database: 'ok', queue, migrations: 'unknown', process } };
    }
    const migrations = status.pending.length === 0 ? 'current' : 'pending';
    return {
      ready: process === 'serving' && queue === 'ok' && migrations === 'current',
      checks: { database: 'ok', queue, migrations, process },
      ...(status.pending.length > 0 ? { pendingMigrations: status.pending } : {}),
    };
  }
}

async function withinTimeout<T>(check: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
