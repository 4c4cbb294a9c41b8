import { Injectable } from '@nestjs/common';
import { ReviewRepository, type ReviewRecord } from '@app/db';
import { EventBus } from '@app/events';
import type { Caller } from '../authorization/caller';
import { ReviewsService } from './reviews.service';

/**
 * `reviewUpdated`: the review now, then again after every change announced on the event bus (by
 * any API replica or the scorer). Events only say "this review changed"; the state is re-read,
 * so a missed or repeated event costs a read. The stream stays open (a review can always be
 * reopened by a resubmission) until the client leaves.
 */
@Injectable()
export class ReviewUpdatesService {
  constructor(
    private readonly reviews: ReviewsService,
    private readonly repository: ReviewRepository,
    private readonly bus: EventBus,
  ) {}

  /** Authorizes like `review(id)` before anything is streamed. @throws NOT_FOUND, FORBIDDEN, UNAUTHENTICATED */
  async watch(caller: Caller, id: string): Promise<AsyncIterableIterator<ReviewRecord>> {
    await this.reviews.byId(caller, id);
    const changes = this.bus.subscribe((event) => event.topic === 'review' && event.reviewId === id, { busSignals: true });
    await this.bus.start();
    return this.stream(id, changes);
  }

  private async *stream(id: string, changes: AsyncIterableIterator<unknown>): AsyncGenerator<ReviewRecord> {
    try {
      const first = await this.repository.findById(id);
      if (!first) return;
      yield first;
      for await (const _change of changes) {
        const now = await this.repository.findById(id);
        if (!now) return;
        yield now;
      }
    } finally {
      await changes.return?.();
    }
  }
}
