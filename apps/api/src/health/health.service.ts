import { Injectable, Logger } from '@nestjs/common';
import { HealthRepository } from '@app/db';
import { LifecycleService } from './lifecycle.service';

export interface Readiness {
  ready: boolean;
  checks: {
    database: 'ok' | 'unreachable';
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
  ) {}

  /** Ready = serving, the database answers, and every migration this build ships is applied. */
  async readiness(): Promise<Readiness> {
    const process = this.lifecycle.isDraining ? 'draining' : 'serving';
    try {
      await this.health.ping();
    } catch (error) {
      this.logger.warn(`database unreachable: ${(error as Error).message}`);
      return { ready: false, checks: { database: 'unreachable', migrations: 'unknown', process } };
    }
    let status;
    try {
      status = await this.health.migrationStatus();
    } catch (error) {
      this.logger.warn(`migration status unreadable: ${(error as Error).message}`);
      return { ready: false, checks: { database: 'ok', migrations: 'unknown', process } };
    }
    const migrations = status.pending.length === 0 ? 'current' : 'pending';
    return {
      ready: process === 'serving' && migrations === 'current',
      checks: { database: 'ok', migrations, process },
      ...(status.pending.length > 0 ? { pendingMigrations: status.pending } : {}),
    };
  }
}
