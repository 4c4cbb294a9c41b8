export * from './db.module';
export * from './prisma.service';
export * from './health.repository';
export * from './migrations/migration-files';
export * from './migrations/migration-runner';
export * from './server/embedded-database';
export * from './repositories';
export * from './transaction';
