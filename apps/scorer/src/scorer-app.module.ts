import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, type AppConfig } from '@app/config';
import { DbModule } from '@app/db';
import { EventsModule } from '@app/events';
import { StorageModule } from '@app/storage';
import { ScorerModule } from './scorer.module';

/** Wiring only: a standalone scorer process (scale-out: M scorers against one PostgreSQL). */
@Module({})
export class ScorerAppModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: ScorerAppModule,
      imports: [
        ConfigModule.forRoot(config),
        DbModule.forRoot(databaseUrl),
        StorageModule.forRoot(config.artifactStore, config.s3),
        EventsModule,
        ScorerModule,
      ],
    };
  }
}
