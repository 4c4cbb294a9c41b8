import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection } from '../graphql/pagination/connection.model';

export enum LeaderboardScopeEnum {
  CHALLENGE = 'CHALLENGE',
  GLOBAL = 'GLOBAL',
  TEAM = 'TEAM',
}
registerEnumType(LeaderboardScopeEnum, {
  name: 'LeaderboardScope',
  description:
    "CHALLENGE: best result per learner; GLOBAL: sum of a learner's best per challenge; TEAM: sum over a team's current members.",
});

export enum PeriodEnum {
  ALL_TIME = 'ALL_TIME',
  WEEK = 'WEEK',
}
registerEnumType(PeriodEnum, { name: 'Period', description: 'WEEK: results reached in the current ISO week (UTC, from Monday 00:00).' });

@ObjectType()
export class LeaderboardEntry {
  @Field(() => Int, { description: 'Competition rank: equal points share a rank.' })
  rank!: number;

  @Field({ description: "The learner's handle (TEAM: the team's slug)." })
  handle!: string;

  @Field(() => String, { nullable: true })
  team!: string | null;

  @Field(() => Float)
  points!: number;

  @Field(() => Float, { nullable: true, description: 'CHALLENGE scope of a timed challenge: the counted result’s speedup.' })
  speedup!: number | null;

  @Field({ description: 'When these points were reached.' })
  achievedAt!: Date;

  @Field({ description: "True for the reference model's own row (no learner)." })
  isBaseline!: boolean;
}

@ObjectType()
export class LeaderboardConnection extends Connection(LeaderboardEntry) {}

@ObjectType({ description: 'Rows of one board that changed (leaderboardChanged): at most one per board per second.' })
export class LeaderboardChange {
  @Field(() => LeaderboardScopeEnum)
  scope!: LeaderboardScopeEnum;

  @Field(() => String, { nullable: true })
  challengeSlug!: string | null;

  @Field(() => PeriodEnum)
  period!: PeriodEnum;

  @Field(() => String, { nullable: true })
  deviceClass!: string | null;

  @Field(() => [LeaderboardEntry], { description: 'The changed rows as they stand now, with their ranks (others may have moved by one).' })
  entries!: LeaderboardEntry[];

  @Field(() => [String], {
    description:
      'Handles (TEAM: slugs) of changed learners with no row on this board now: their row left it (a hidden result, a team left), or their change was on another device class.',
  })
  absent!: string[];

  @Field({ description: 'Too much changed to list (a recompute, a lost event connection): read the board again.' })
  reset!: boolean;

  @Field()
  at!: Date;
}

@InputType()
export class ResultVisibilityInput {
  @Field(() => ID)
  submissionId!: string;

  @Field({ description: 'Why (1–500 characters); kept in the audit log.' })
  reason!: string;
}

@ObjectType({ description: 'Whether a result counts on the leaderboards.' })
export class ResultVisibility {
  @Field(() => ID)
  submissionId!: string;

  @Field({ description: 'False while an admin hides it from every board.' })
  onLeaderboards!: boolean;

  @Field()
  reason!: string;

  @Field()
  changedAt!: Date;
}

@ObjectType({ description: 'A rebuild of every board from the results: the rows it had to correct (0 when the upkeep was right).' })
export class LeaderboardRecompute {
  @Field(() => Int)
  corrected!: number;

  @Field(() => Int, { description: 'Best-result rows corrected.' })
  bests!: number;

  @Field(() => Int, { description: "Learners' totals corrected." })
  totals!: number;

  @Field(() => Int, { description: "Teams' totals corrected." })
  teams!: number;

  @Field(() => Int)
  tookMs!: number;
}
