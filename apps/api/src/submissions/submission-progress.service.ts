import { Injectable } from '@nestjs/common';
import { SubmissionRepository, type SubmissionRecord } from '@app/db';
import { isTerminal } from '@app/domain';
import { EventBus } from '@app/events';
import type { Caller } from '../authorization/caller';
import { SubmissionsService } from './submissions.service';

/**
 * `submissionUpdated`: the submission as it is now, then again after every change announced on the
 * event bus (by whichever scorer or API replica made it), until it ends. Events only say "this
 * submission changed"; the state comes from the database, so a missed or repeated event costs
 * nothing but a read.
 */
@Injectable()
export class SubmissionProgressService {
  constructor(
    private readonly submissions: SubmissionsService,
    private readonly repository: SubmissionRepository,
    private readonly bus: EventBus,
  ) {}

  /** Authorizes like `submission(id)` before anything is streamed. @throws NOT_FOUND, FORBIDDEN, UNAUTHENTICATED */
  async watch(caller: Caller, id: string): Promise<AsyncIterableIterator<SubmissionRecord>> {
    await this.submissions.byId(caller, id);
    // Subscribe and be listening before reading the first state, so no change can fall between the
    // two; after a lost connection the bus signals, and the stream re-reads what it may have missed.
    const changes = this.bus.subscribe((event) => event.topic === 'submission' && event.submissionId === id, { busSignals: true });
    await this.bus.start();
    return this.stream(id, changes);
  }

  private async *stream(id: string, changes: AsyncIterableIterator<unknown>): AsyncGenerator<SubmissionRecord> {
    try {
      let last = await this.repository.findById(id);
      if (!last) return;
      yield last;
      if (isTerminal(last.status)) return;
      for await (const _change of changes) {
        const now = await this.repository.findById(id);
        if (!now) return;
        if (now.status !== last.status || now.phase !== last.phase || now.progress !== last.progress) yield now;
        last = now;
        if (isTerminal(now.status)) return;
      }
    } finally {
      await changes.return?.();
    }
  }
}
