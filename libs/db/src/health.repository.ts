import { Injectable } from '@nestjs/common';
import { readMigrationFiles, type MigrationFile } from './migrations/migration-files';
import { APPLIED_MIGRATIONS_SQL, compareMigrations, type AppliedRow, type MigrationStatus } from './migrations/migration-runner';
import { PrismaService } from './prisma.service';

@Injectable()
export class HealthRepository {
  /** The migrations this build ships; read once, they do not change while it runs. */
  private readonly migrations: MigrationFile[] = readMigrationFiles();

  constructor(private readonly prisma: PrismaService) {}

  /** Resolves when the database answers a query; rejects otherwise. */
  async ping(): Promise<void> {
    await this.prisma.$queryRaw`SELECT 1`;
  }

  /** Applied vs. pending migrations of this build, read from `_prisma_migrations`. */
  async migrationStatus(): Promise<MigrationStatus> {
    const rows = await this.prisma.$queryRawUnsafe<AppliedRow[]>(APPLIED_MIGRATIONS_SQL);
    return compareMigrations(this.migrations, rows);
  }
}
