import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection } from '../graphql/pagination/connection.model';

export enum ReviewStateEnum {
  PENDING = 'PENDING',
  CLAIMED = 'CLAIMED',
  CHANGES_REQUESTED = 'CHANGES_REQUESTED',
  APPROVED = 'APPROVED',
  ABANDONED = 'ABANDONED',
}
registerEnumType(ReviewStateEnum, {
  name: 'ReviewState',
  description:
    'PENDING → CLAIMED (a lease) → CHANGES_REQUESTED | APPROVED; a resubmission returns it to PENDING; ABANDONED after 28 days without one.',
});

export enum ReviewDecisionEnum {
  APPROVE = 'APPROVE',
  REQUEST_CHANGES = 'REQUEST_CHANGES',
}
registerEnumType(ReviewDecisionEnum, { name: 'ReviewDecision' });

@ObjectType()
export class RubricScore {
  @Field()
  criterion!: string;

  @Field(() => Int)
  score!: number;

  @Field(() => Int)
  maxScore!: number;
}

@ObjectType({ description: 'A comment in a review thread.' })
export class ReviewComment {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { nullable: true, description: "The thread's first comment, for a reply." })
  parentId!: string | null;

  @Field()
  body!: string;

  @Field(() => String, { nullable: true, description: '"heading:<anchor>" of the report, or "file:<path>:<line>" of the source archive.' })
  anchor!: string | null;

  @Field(() => ID, { description: 'The submission (version of the work) it was written on.' })
  submissionId!: string;

  @Field()
  createdAt!: Date;

  /** Resolved to `author`. */
  authorId!: string;
}

@ObjectType({ description: 'One step of a review’s history.' })
export class ReviewHistoryEntry {
  @Field({
    description:
      'CREATED, CLAIMED, RENEWED, RELEASED, LEASE_EXPIRED, RESPONDED, CHANGES_REQUESTED, APPROVED, RESUBMITTED, ESCALATED, ABANDONED',
  })
  action!: string;

  @Field(() => ID)
  submissionId!: string;

  @Field()
  at!: Date;
}

@ObjectType({ description: "A mentor's review of an attempt's latest scored submission." })
export class Review {
  @Field(() => ID)
  id!: string;

  @Field(() => ReviewStateEnum)
  state!: ReviewStateEnum;

  @Field({ description: 'REQUIRED (the kind needs a review), FLAGGED (the result has flags) or REQUESTED.' })
  reason!: string;

  @Field(() => Date, { nullable: true, description: 'When the claim runs out (while CLAIMED).' })
  leaseExpiresAt!: Date | null;

  @Field({ description: 'Since when it has waited in the queue (queue order).' })
  pendingSince!: Date;

  @Field(() => [RubricScore], { description: 'The scores of the last decision.' })
  rubricScores!: RubricScore[];

  @Field(() => String, { nullable: true })
  summary!: string | null;

  @Field(() => Float, { nullable: true, description: 'The points an approval granted (they count on leaderboards).' })
  approvedPoints!: number | null;

  @Field(() => Date, { nullable: true })
  decidedAt!: Date | null;

  @Field()
  createdAt!: Date;

  /** Resolved by ReviewsResolver. */
  submissionId!: string;
  learnerId!: string;
  mentorId!: string | null;
  escalatedAt!: Date | null;
  attemptId!: string;
}

@ObjectType()
export class ReviewConnection extends Connection(Review) {}

@ObjectType({ description: "A mentor's own numbers." })
export class MentorStats {
  @Field(() => Int, { description: 'Decisions made (approvals and change requests).' })
  decided!: number;

  @Field(() => Int)
  approved!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Median time from a review entering the queue to your first comment or decision on it.',
  })
  medianFirstResponseMs!: number | null;
}

@InputType()
export class ReviewCommentInput {
  @Field(() => ID)
  reviewId!: string;

  @Field({ description: 'At most 10,000 characters.' })
  body!: string;

  @Field(() => String, {
    nullable: true,
    description: '"heading:<anchor>" (see reportChecks.headings) or "file:<path>:<line>" (see sourceFiles).',
  })
  anchor?: string | null;

  @Field(() => ID, { nullable: true, description: 'Reply to this thread (its first comment).' })
  parentId?: string | null;
}

@InputType()
export class RubricScoreInput {
  @Field()
  criterion!: string;

  @Field(() => Int)
  score!: number;
}

@InputType()
export class DecideReviewInput {
  @Field(() => ID)
  reviewId!: string;

  @Field(() => ReviewDecisionEnum)
  decision!: ReviewDecisionEnum;

  @Field(() => [RubricScoreInput], { nullable: true, description: 'Every criterion for APPROVE; optional for REQUEST_CHANGES.' })
  rubric?: RubricScoreInput[] | null;

  @Field(() => String, { nullable: true })
  summary?: string | null;
}
