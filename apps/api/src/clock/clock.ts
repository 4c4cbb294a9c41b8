import { Global, Module, type DynamicModule } from '@nestjs/common';

/**
 * The time services read "now" from, where the answer depends on the calendar (journal days,
 * streaks, progress). The server runs on the system clock; an in-process test passes its own to
 * `startServer` to stand at the edges of days and weeks (Sunday 23:59 UTC, 00:30 in Tokyo).
 */
export class Clock {
  now(): Date {
    return new Date();
  }
}

@Global()
@Module({})
export class ClockModule {
  static forRoot(clock: Clock = new Clock()): DynamicModule {
    return { module: ClockModule, providers: [{ provide: Clock, useValue: clock }], exports: [Clock] };
  }
}
