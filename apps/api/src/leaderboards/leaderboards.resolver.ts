import { Args, ArgsType, Field, IntersectionType, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';
import { CurrentCaller, type Caller } from '../authorization/caller';
import { asSubscriptionError } from '../graphql/graphql-error-formatter';
import { ConnectionArgs } from '../graphql/pagination/connection.args';
import {
  LeaderboardChange,
  LeaderboardConnection,
  LeaderboardRecompute,
  LeaderboardScopeEnum,
  PeriodEnum,
  ResultVisibility,
  ResultVisibilityInput,
} from './leaderboard.model';
import { LeaderboardUpdatesService } from './leaderboard-updates.service';
import { LeaderboardsService } from './leaderboards.service';

@ArgsType()
class BoardArgsType {
  @Field(() => LeaderboardScopeEnum)
  scope!: LeaderboardScopeEnum;

  @Field(() => String, { nullable: true })
  challengeSlug?: string | null;

  @Field(() => String, { nullable: true, description: 'CHALLENGE only: results measured on this device class (cpu, cuda).' })
  deviceClass?: string | null;

  @Field(() => PeriodEnum, { nullable: true, defaultValue: PeriodEnum.ALL_TIME })
  period?: PeriodEnum | null;
}

@ArgsType()
class LeaderboardArgs extends IntersectionType(ConnectionArgs, BoardArgsType, ArgsType) {}

@Resolver()
export class LeaderboardsResolver {
  constructor(
    private readonly leaderboards: LeaderboardsService,
    private readonly updates: LeaderboardUpdatesService,
  ) {}

  @Query(() => LeaderboardConnection, { description: 'Public standings; results of reviewed kinds count once approved.' })
  leaderboard(@Args() args: LeaderboardArgs): Promise<LeaderboardConnection> {
    return this.leaderboards.board(args, args.first, args.after) as Promise<LeaderboardConnection>;
  }

  @Subscription(() => LeaderboardChange, {
    description: 'Public: the rows of a board that changed, at most one event per board per second.',
    resolve: (change: LeaderboardChange) => change,
  })
  leaderboardChanged(@Args() args: BoardArgsType): Promise<AsyncIterableIterator<LeaderboardChange>> {
    return this.updates.watch(args).catch((error: unknown) => {
      throw asSubscriptionError(error);
    }) as Promise<AsyncIterableIterator<LeaderboardChange>>;
  }

  @Mutation(() => ResultVisibility, { description: 'ADMIN: hides a result from every leaderboard, with a reason (audited).' })
  hideResult(@CurrentCaller() caller: Caller, @Args('input') input: ResultVisibilityInput): Promise<ResultVisibility> {
    return this.leaderboards.setHidden(caller, input, true);
  }

  @Mutation(() => ResultVisibility, { description: 'ADMIN: shows a hidden result on the leaderboards again, with a reason (audited).' })
  showResult(@CurrentCaller() caller: Caller, @Args('input') input: ResultVisibilityInput): Promise<ResultVisibility> {
    return this.leaderboards.setHidden(caller, input, false);
  }

  @Mutation(() => LeaderboardRecompute, {
    description: 'ADMIN: rebuilds every leaderboard from the results; says how many rows it corrected.',
  })
  recomputeLeaderboards(@CurrentCaller() caller: Caller): Promise<LeaderboardRecompute> {
    return this.leaderboards.recompute(caller);
  }
}
