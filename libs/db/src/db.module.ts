import { Global, Module, type DynamicModule } from '@nestjs/common';
import { CertificateIssuer } from './certificate-issuer';
import { HealthRepository } from './health.repository';
import { DATABASE_URL, PrismaService } from './prisma.service';
import * as repositories from './repositories';
import { TransactionRunner } from './transaction';

/** Everything services may inject from libs/db: repositories, the transaction runner and the certificate issuer (never the Prisma client). */
const PROVIDED = [HealthRepository, TransactionRunner, CertificateIssuer, ...Object.values(repositories)];

@Global()
@Module({})
export class DbModule {
  /** `databaseUrl` is resolved before Nest starts: the external server, or the embedded one. */
  static forRoot(databaseUrl: string): DynamicModule {
    return {
      module: DbModule,
      providers: [{ provide: DATABASE_URL, useValue: databaseUrl }, PrismaService, ...PROVIDED],
      exports: [DATABASE_URL, ...PROVIDED],
    };
  }
}
