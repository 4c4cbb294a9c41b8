import { Args, ArgsType, Field, ID, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { UserRepository, type ReviewRecord } from '@app/db';
import { CurrentCaller, type Caller } from '../authorization/caller';
import { ChallengeKindEnum, RubricCriterion } from '../challenges/challenge.model';
import { asSubscriptionError } from '../graphql/graphql-error-formatter';
import { ConnectionArgs } from '../graphql/pagination/connection.args';
import { Submission } from '../submissions/submission.model';
import { SubmissionsService } from '../submissions/submissions.service';
import { User } from '../users/user.model';
import {
  DecideReviewInput,
  MentorStats,
  Review,
  ReviewComment,
  ReviewCommentInput,
  ReviewConnection,
  ReviewHistoryEntry,
  type ReviewStateEnum,
  type RubricScore,
} from './review.model';
import { ReviewUpdatesService } from './review-updates.service';
import { ReviewsService } from './reviews.service';

@ArgsType()
class ReviewQueueArgs extends ConnectionArgs {
  @Field(() => ChallengeKindEnum, { nullable: true })
  kind?: ChallengeKindEnum | null;

  @Field(() => String, { nullable: true })
  challengeSlug?: string | null;
}

@Resolver(() => Review)
export class ReviewsResolver {
  constructor(
    private readonly reviews: ReviewsService,
    private readonly updates: ReviewUpdatesService,
    private readonly submissions: SubmissionsService,
    private readonly users: UserRepository,
  ) {}

  @Query(() => ReviewConnection, { description: 'MENTOR, ADMIN: reviews you may claim, oldest first (never your own or your team’s).' })
  async reviewQueue(@CurrentCaller() caller: Caller, @Args() args: ReviewQueueArgs): Promise<ReviewConnection> {
    const connection = await this.reviews.queue(caller, { kind: args.kind, challengeSlug: args.challengeSlug }, args.first, args.after);
    return { ...connection, edges: connection.edges.map((edge) => ({ ...edge, node: toReview(edge.node) })) } as ReviewConnection;
  }

  @Query(() => Review, { nullable: true, description: 'A review: to its learner, the mentors who may review it, and admins.' })
  async review(@CurrentCaller() caller: Caller, @Args('id', { type: () => ID }) id: string): Promise<Review> {
    return toReview(await this.reviews.byId(caller, id));
  }

  @Query(() => MentorStats, { description: 'MENTOR, ADMIN: your reviews done and median time to first response.' })
  mentorStats(@CurrentCaller() caller: Caller): Promise<MentorStats> {
    return this.reviews.mentorStats(caller);
  }

  @Mutation(() => Review, { description: 'Asks a mentor to review one of your scored submissions.' })
  async requestReview(@CurrentCaller() caller: Caller, @Args('submissionId', { type: () => ID }) submissionId: string): Promise<Review> {
    return toReview(await this.reviews.request(caller, submissionId));
  }

  @Mutation(() => Review, { description: 'MENTOR, ADMIN: takes the review for the lease (30 min by default); renews it when you hold it.' })
  async claimReview(@CurrentCaller() caller: Caller, @Args('reviewId', { type: () => ID }) reviewId: string): Promise<Review> {
    return toReview(await this.reviews.claim(caller, reviewId));
  }

  @Mutation(() => Review, { description: 'Gives a review you hold back to the queue.' })
  async releaseReview(@CurrentCaller() caller: Caller, @Args('reviewId', { type: () => ID }) reviewId: string): Promise<Review> {
    return toReview(await this.reviews.release(caller, reviewId));
  }

  @Mutation(() => ReviewComment, {
    description: 'A comment or a reply, optionally anchored to a heading of the report or a line of the source.',
  })
  commentOnReview(@CurrentCaller() caller: Caller, @Args('input') input: ReviewCommentInput): Promise<ReviewComment> {
    return this.reviews.comment(caller, input);
  }

  @Mutation(() => Review, { description: 'The claim holder approves (whole rubric) or requests changes.' })
  async decideReview(@CurrentCaller() caller: Caller, @Args('input') input: DecideReviewInput): Promise<Review> {
    return toReview(await this.reviews.decide(caller, input));
  }

  @Subscription(() => Review, {
    description: 'The review now, then after every change (claims, comments, decisions, resubmissions).',
    resolve: (review: ReviewRecord) => toReview(review),
  })
  reviewUpdated(@CurrentCaller() caller: Caller, @Args('id', { type: () => ID }) id: string): Promise<AsyncIterableIterator<Review>> {
    return this.updates.watch(caller, id).catch((error: unknown) => {
      throw asSubscriptionError(error);
    }) as Promise<AsyncIterableIterator<Review>>;
  }

  @ResolveField(() => Submission, { description: 'The submission under review (the latest of the attempt).' })
  submission(@CurrentCaller() caller: Caller, @Parent() review: Review): Promise<Submission> {
    return this.submissions.byId(caller, review.submissionId) as Promise<Submission>;
  }

  @ResolveField(() => User)
  async learner(@Parent() review: Review): Promise<User> {
    return (await this.users.findById(review.learnerId))!;
  }

  @ResolveField(() => User, { nullable: true, description: 'The mentor holding the claim, or who decided last.' })
  async mentor(@Parent() review: Review): Promise<User | null> {
    return review.mentorId ? this.users.findById(review.mentorId) : null;
  }

  @ResolveField(() => [ReviewComment], { description: 'Every comment, oldest first; replies name their thread.' })
  comments(@Parent() review: Review): Promise<ReviewComment[]> {
    return this.reviews.comments(review);
  }

  @ResolveField(() => [ReviewHistoryEntry])
  async history(@Parent() review: Review): Promise<ReviewHistoryEntry[]> {
    return (await this.reviews.history(review)).map((event) => ({
      action: event.action,
      submissionId: event.submissionId,
      at: event.createdAt,
    }));
  }

  @ResolveField(() => [RubricCriterion], { description: 'The rubric the review is decided on.' })
  async rubric(@Parent() review: Review): Promise<RubricCriterion[]> {
    return (await this.reviews.rubricOf(review)).map((item) => ({
      ...item,
      description: item.description ?? '',
    }));
  }

  @ResolveField(() => Date, { nullable: true, description: 'ADMIN: when it was escalated (PENDING for 7 days).' })
  escalatedAt(@CurrentCaller() caller: Caller, @Parent() review: Review): Date | null {
    return this.reviews.escalatedAtFor(caller, review);
  }
}

@Resolver(() => ReviewComment)
export class ReviewCommentsResolver {
  constructor(private readonly users: UserRepository) {}

  @ResolveField(() => User)
  async author(@Parent() comment: ReviewComment): Promise<User> {
    return (await this.users.findById(comment.authorId))!;
  }
}

export function toReview(record: ReviewRecord): Review {
  return {
    id: record.id,
    state: record.state as ReviewStateEnum,
    reason: record.reason,
    leaseExpiresAt: record.state === 'CLAIMED' ? record.leaseExpiresAt : null,
    pendingSince: record.pendingSince,
    rubricScores: Array.isArray(record.rubric) ? (record.rubric as RubricScore[]) : [],
    summary: record.summary,
    approvedPoints: record.approvedPoints,
    decidedAt: record.decidedAt,
    createdAt: record.createdAt,
    submissionId: record.submissionId,
    learnerId: record.learnerId,
    mentorId: record.mentorId,
    escalatedAt: record.escalatedAt,
    attemptId: record.attemptId,
  };
}

@Resolver(() => Submission)
export class SubmissionReviewResolver {
  constructor(private readonly reviews: ReviewsService) {}

  @ResolveField(() => Review, { nullable: true, description: "The review of this submission's attempt, to those who may see it." })
  async review(@CurrentCaller() caller: Caller, @Parent() submission: Submission): Promise<Review | null> {
    const record = await this.reviews.ofSubmission(caller, submission);
    return record && toReview(record);
  }
}
