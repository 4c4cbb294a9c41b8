import { Args, ArgsType, Field, Query, Resolver } from '@nestjs/graphql';
import { ConnectionArgs } from '../graphql/pagination/connection.args';
import { LeaderboardConnection, LeaderboardScopeEnum, PeriodEnum } from './leaderboard.model';
import { LeaderboardsService } from './leaderboards.service';

@ArgsType()
class LeaderboardArgs extends ConnectionArgs {
  @Field(() => LeaderboardScopeEnum)
  scope!: LeaderboardScopeEnum;

  @Field(() => String, { nullable: true })
  challengeSlug?: string | null;

  @Field(() => String, { nullable: true, description: 'CHALLENGE only: results measured on this device class (cpu, cuda).' })
  deviceClass?: string | null;

  @Field(() => PeriodEnum, { nullable: true, defaultValue: PeriodEnum.ALL_TIME })
  period?: PeriodEnum | null;
}

@Resolver()
export class LeaderboardsResolver {
  constructor(private readonly leaderboards: LeaderboardsService) {}

  @Query(() => LeaderboardConnection, { description: 'Public standings; results of reviewed kinds count once approved.' })
  leaderboard(@Args() args: LeaderboardArgs): Promise<LeaderboardConnection> {
    return this.leaderboards.board(args, args.first, args.after) as Promise<LeaderboardConnection>;
  }
}
