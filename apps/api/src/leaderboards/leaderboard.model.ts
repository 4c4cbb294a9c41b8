import { Field, Float, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
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
