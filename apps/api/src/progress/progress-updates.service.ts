import { Injectable } from '@nestjs/common';
import { EventBus } from '@app/events';
import type { Caller } from '../authorization/caller';
import { AuthorizationService } from '../authorization/authorization.service';
import type { Progress } from './progress.model';
import { ProgressService } from './progress.service';

/** What a change must touch to be sent: milestones, streaks or points (not `asOf` alone). */
function signature(progress: Progress): string {
  const { asOf: _asOf, ...rest } = progress;
  return JSON.stringify(rest);
}

/**
 * `progressUpdated`: the signed-in learner's progress now, then again whenever it changed —
 * milestones, streaks, points — after events that may change it (their results scored by any
 * scorer, approvals, journal entries), announced on the event bus by any process.
 */
@Injectable()
export class ProgressUpdatesService {
  constructor(
    private readonly progress: ProgressService,
    private readonly authorization: AuthorizationService,
    private readonly bus: EventBus,
  ) {}

  /** @throws UNAUTHENTICATED */
  async watch(caller: Caller): Promise<AsyncIterableIterator<Progress>> {
    const userId = this.authorization.signedIn(caller).userId;
    const changes = this.bus.subscribe((event) => event.topic === 'progress' && event.userId === userId, { busSignals: true });
    await this.bus.start();
    return this.stream(userId, changes);
  }

  private async *stream(userId: string, changes: AsyncIterableIterator<unknown>): AsyncGenerator<Progress> {
    try {
      let sent = await this.progress.of(userId);
      yield sent;
      for await (const _change of changes) {
        const now = await this.progress.of(userId);
        if (signature(now) === signature(sent)) continue;
        sent = now;
        yield now;
      }
    } finally {
      await changes.return?.();
    }
  }
}
