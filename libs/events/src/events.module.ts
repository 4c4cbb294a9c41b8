import { Global, Module, type OnModuleDestroy } from '@nestjs/common';
import { DATABASE_URL } from '@app/db';
import { EventBus } from './event-bus';

/**
 * Provides the process's one `EventBus` (inject the class) over the database DbModule was given.
 * It is stopped when the modules are destroyed, which ends open subscriptions before the HTTP
 * server closes; publishing inside a transaction keeps working during the rest of the shutdown.
 */
@Global()
@Module({
  providers: [{ provide: EventBus, inject: [DATABASE_URL], useFactory: (databaseUrl: string) => new EventBus(databaseUrl) }],
  exports: [EventBus],
})
export class EventsModule implements OnModuleDestroy {
  constructor(private readonly bus: EventBus) {}

  async onModuleDestroy(): Promise<void> {
    await this.bus.stop();
  }
}
