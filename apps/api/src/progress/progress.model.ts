import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { ChallengeKindEnum } from '../challenges/challenge.model';

@ObjectType({ description: 'A run of consecutive periods with the habit done; current while its next period is under way.' })
export class Streak {
  @Field(() => Int)
  current!: number;

  @Field(() => Int)
  longest!: number;
}

@ObjectType({ description: 'One habit (a challenge kind): distinct challenges attempted, passed and approved by a mentor.' })
export class HabitProgress {
  @Field(() => ChallengeKindEnum)
  kind!: ChallengeKindEnum;

  @Field(() => Int)
  attempted!: number;

  @Field(() => Int)
  passed!: number;

  @Field(() => Int, { description: 'Approved by a mentor (the kinds that need a review).' })
  approved!: number;

  @Field(() => Float, { description: 'Points the leaderboards count for this habit.' })
  points!: number;
}

@ObjectType({ description: 'The best counted result on one challenge.' })
export class BestResult {
  @Field(() => ChallengeKindEnum)
  kind!: ChallengeKindEnum;

  @Field()
  challengeSlug!: string;

  @Field()
  challengeTitle!: string;

  @Field(() => ID)
  submissionId!: string;

  @Field(() => Float)
  points!: number;

  @Field(() => Float, { nullable: true })
  speedup!: number | null;

  @Field()
  achievedAt!: Date;
}

@ObjectType()
export class Milestone {
  @Field({
    description:
      'FIRST_10_PERCENT_FASTER, FIRST_AI_FREE_PASS, FIRST_JAX_PORT_APPROVED, FIRST_REPORT_APPROVED, AI_FREE_STREAK_4_WEEKS, JOURNAL_STREAK_7_DAYS.',
  })
  code!: string;

  @Field(() => Date, { nullable: true, description: 'When it was reached (null for streak milestones).' })
  reachedAt!: Date | null;

  @Field(() => ID, { nullable: true, description: 'The submission that reached it.' })
  submissionId!: string | null;
}

@ObjectType({ description: "A learner's progress in the four habits (docs/progress.md)." })
export class Progress {
  @Field(() => Float, { description: 'Points on the global leaderboard (all time).' })
  points!: number;

  @Field(() => [HabitProgress], { description: 'The four habits, always in the same order.' })
  habits!: HabitProgress[];

  @Field(() => Streak, { description: 'ISO weeks (UTC) with a full-length AI-free session whose edit log replays to the code.' })
  aiFreeStreak!: Streak;

  @Field(() => Streak, { description: "Days with a journal entry, in the learner's time zone." })
  journalStreak!: Streak;

  @Field(() => [String], { description: 'Codes of the milestones reached.' })
  milestones!: string[];

  @Field(() => [Milestone])
  milestoneDetails!: Milestone[];

  @Field(() => [BestResult], { description: 'The best counted result per challenge, most points first.' })
  best!: BestResult[];

  @Field({ description: 'The moment this progress was computed for.' })
  asOf!: Date;
}
