import { Injectable } from '@nestjs/common';
import { ProgressRepository, UserRepository, type HabitKindName } from '@app/db';
import { CommonErrorCode, DomainError, milestonesOf, Operation, weeklyStreak } from '@app/domain';
import { AuthorizationService } from '../authorization/authorization.service';
import type { Caller } from '../authorization/caller';
import { Clock } from '../clock/clock';
import { JournalService } from './journal.service';
import type { Progress } from './progress.model';

const HABITS: readonly HabitKindName[] = ['OPTIMIZE_MODEL', 'PORT_TO_JAX', 'DOCUMENT_RESULTS', 'AI_FREE_SESSION'];

/**
 * A session counts for the weekly AI-free streak when the code was submitted no earlier than
 * this before its deadline: the learner kept at it for the challenge's full length (the last
 * minute is for saving and submitting).
 */
export const FULL_LENGTH_SLACK_MS = 60_000;

/** Progress per learner and habit, derived when asked from results, reviews, sessions and the journal. */
@Injectable()
export class ProgressService {
  constructor(
    private readonly progress: ProgressRepository,
    private readonly users: UserRepository,
    private readonly journal: JournalService,
    private readonly authorization: AuthorizationService,
    private readonly clock: Clock,
  ) {}

  /** `User.progress`: the user's own progress, to themself only (mentors and admins ask `learnerProgress`); null to anyone else. */
  visibleTo(caller: Caller, userId: string): Promise<Progress> | null {
    return caller.actor?.userId === userId ? this.of(userId) : null;
  }

  /**
   * A learner's progress, for their mentors (who claimed or decided a review of their work) and admins.
   * @throws UNAUTHENTICATED, FORBIDDEN, NOT_FOUND
   */
  async ofLearner(caller: Caller, handle: string): Promise<Progress> {
    const actor = this.authorization.signedIn(caller);
    const learner = await this.users.findByHandle(handle);
    const mentored = learner ? await this.progress.hasMentored(actor.userId, learner.id) : false;
    this.authorization.authorize(caller, Operation.ViewLearnerProgress, { userId: learner?.id, mentoredByActor: mentored });
    if (!learner) throw new DomainError(CommonErrorCode.NotFound, `no learner "${handle}"`);
    return this.of(learner.id);
  }

  /** A learner's progress now (by the clock). */
  async of(userId: string): Promise<Progress> {
    const now = this.clock.now();
    const [habits, best, points, firsts, aiFreeWeeks, journalStreak] = await Promise.all([
      this.progress.habits(userId),
      this.progress.best(userId),
      this.progress.points(userId),
      this.progress.firstTimes(userId),
      this.progress.aiFreeWeeks(userId, FULL_LENGTH_SLACK_MS),
      this.journal.journalStreak(userId, now),
    ]);
    const aiFreeStreak = weeklyStreak(aiFreeWeeks, now);
    const milestones = milestonesOf(firsts, { aiFree: aiFreeStreak, journal: journalStreak });
    return {
      points,
      habits: HABITS.map(
        (kind) => habits.find((habit) => habit.kind === kind) ?? { kind, attempted: 0, passed: 0, approved: 0, points: 0 },
      ) as Progress['habits'],
      aiFreeStreak,
      journalStreak,
      milestones: milestones.map((milestone) => milestone.code),
      milestoneDetails: milestones,
      best: best as Progress['best'],
      asOf: now,
    };
  }
}
