import { Global, Module, type DynamicModule } from '@nestjs/common';
import { HealthRepository } from './health.repository';
import { DATABASE_URL, PrismaService } from './prisma.service';

@Global()
@Module({})
export class DbModule {
  /** `databaseUrl` is resolved before Nest starts: the external server, or the embedded one. */
  static forRoot(databaseUrl: string): DynamicModule {
    return {
      module: DbModule,
      providers: [{ provide: DATABASE_URL, useValue: databaseUrl }, PrismaService, HealthRepository],
      exports: [DATABASE_URL, PrismaService, HealthRepository],
    };
  }
}
