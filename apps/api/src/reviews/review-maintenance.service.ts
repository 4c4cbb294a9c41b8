import { Inject, Injectable, Logger } from '@nestjs/common';
import { ReviewRepository } from '@app/db';
import { ABANDON_AFTER_MS, ESCALATE_AFTER_MS } from '@app/domain';
import { EventBus, reviewEvent } from '@app/events';
import type { ScoringQueue } from '@app/queue';
import { SCORING_QUEUE } from '../submissions/submissions.service';

/** The pg-boss schedule of the review sweep: every minute. */
export const REVIEW_SWEEP_JOB = 'reviews-sweep';

/**
 * Review timeouts, scheduled by the job queue (never by a timer in one process): every minute one
 * API replica returns expired leases to the queue, escalates reviews PENDING for 7 days and
 * abandons CHANGES_REQUESTED ones without a resubmission for 28 days, and announces each change.
 * Claims do not wait for the sweep: a lease that ran out can be claimed at once.
 */
@Injectable()
export class ReviewMaintenanceService {
  private readonly logger = new Logger('Reviews');

  constructor(
    @Inject(SCORING_QUEUE) private readonly queue: ScoringQueue,
    private readonly reviews: ReviewRepository,
    private readonly events: EventBus,
  ) {}

  /** Registers the schedule and its worker (called once the server is up). */
  async start(): Promise<void> {
    await this.queue.schedule(REVIEW_SWEEP_JOB, '* * * * *', async () => {
      await this.sweep();
    });
  }

  /** One sweep at `now`. @returns the ids of the reviews it changed. */
  async sweep(now = new Date()): Promise<string[]> {
    const changed = await this.reviews.sweep(now, new Date(now.getTime() - ESCALATE_AFTER_MS), new Date(now.getTime() - ABANDON_AFTER_MS));
    for (const id of changed) {
      const review = await this.reviews.findById(id);
      if (review) await this.events.publish(reviewEvent(review));
    }
    if (changed.length > 0) this.logger.log(`review sweep changed ${changed.length} review(s)`);
    return changed;
  }
}
