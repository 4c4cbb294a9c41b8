import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { PrismaClient } from './generated/prisma/client';

/** Connection string of the database this process uses (the external one or the embedded one). */
export const DATABASE_URL = Symbol('DATABASE_URL');

/**
 * The Prisma client, over `pg` through the driver adapter (no native query engine).
 * Only repositories in libs/db inject it.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  private static readonly logger = new Logger('Database');

  constructor(@Inject(DATABASE_URL) databaseUrl: string, @Inject(APP_CONFIG) config: AppConfig) {
    super({
      adapter: new PrismaPg(
        { connectionString: databaseUrl, max: config.databasePoolSize, connectionTimeoutMillis: 5_000 },
        {
          // Without these, PostgreSQL going away (restart, shutdown) crashes the process.
          onPoolError: (error) => PrismaService.logger.warn(`idle connection lost: ${error.message}`),
          onConnectionError: (error) => PrismaService.logger.warn(`connection lost: ${error.message}`),
        },
      ),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
