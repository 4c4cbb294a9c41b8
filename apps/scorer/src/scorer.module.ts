import { Logger, Module } from '@nestjs/common';
import { APP_CONFIG, projectRoot, type AppConfig } from '@app/config';
import { catalogLocation } from '@app/catalog';
import { DATABASE_URL } from '@app/db';
import { ScoringQueue } from '@app/queue';
import { SandboxHost } from './sandbox/sandbox-host';
import { SCORER_SETTINGS, scorerSettings, type ScorerSettings } from './scorer-settings';
import { ScorerIdentity } from './scorer-identity';
import { ScorerLifecycle } from './scorer-lifecycle.service';
import { ReferenceModels } from './scoring/reference-models';
import { ScoringService } from './scoring/scoring.service';

/**
 * The scorer: imported by the API in single-process mode (SCORER=embedded) and by the standalone
 * scorer process (main.ts). Needs DbModule, StorageModule and EventsModule from its host module.
 */
@Module({
  providers: [
    { provide: SCORER_SETTINGS, inject: [APP_CONFIG], useFactory: (config: AppConfig) => scorerSettings(config) },
    {
      provide: SandboxHost,
      inject: [SCORER_SETTINGS],
      useFactory: (settings: ScorerSettings) => {
        const logger = new Logger('SandboxHost');
        return new SandboxHost({
          ...(settings.sandboxMemoryBytes ? { memoryLimitBytes: settings.sandboxMemoryBytes } : {}),
          log: (message: string) => logger.warn(message),
        });
      },
    },
    {
      provide: ScoringQueue,
      inject: [DATABASE_URL],
      useFactory: (databaseUrl: string) => new ScoringQueue(databaseUrl, { superviseIntervalSeconds: 5 }),
    },
    { provide: ReferenceModels, useFactory: () => new ReferenceModels(catalogLocation(projectRoot())) },
    ScorerIdentity,
    ScoringService,
    ScorerLifecycle,
  ],
})
export class ScorerModule {}
