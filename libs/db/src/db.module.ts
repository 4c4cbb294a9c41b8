import { Global, Module, type DynamicModule } from '@nestjs/common';
import { HealthRepository } from './health.repository';
import { DATABASE_URL, PrismaService } from './prisma.service';
import {
  ApiTokenRepository,
  AuditRepository,
  LoginFailureRepository,
  SessionRepository,
  SigningKeyRepository,
  TeamRepository,
  UserRepository,
} from './repositories';
import { TransactionRunner } from './transaction';

const REPOSITORIES = [
  HealthRepository,
  ApiTokenRepository,
  AuditRepository,
  LoginFailureRepository,
  SessionRepository,
  SigningKeyRepository,
  TeamRepository,
  UserRepository,
  TransactionRunner,
];

@Global()
@Module({})
export class DbModule {
  /** `databaseUrl` is resolved before Nest starts: the external server, or the embedded one. */
  static forRoot(databaseUrl: string): DynamicModule {
    return {
      module: DbModule,
      providers: [{ provide: DATABASE_URL, useValue: databaseUrl }, PrismaService, ...REPOSITORIES],
      exports: [DATABASE_URL, ...REPOSITORIES],
    };
  }
}
