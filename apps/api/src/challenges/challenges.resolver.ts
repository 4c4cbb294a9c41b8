import { Args, ArgsType, Field, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { ChallengeKindName } from '@app/db';
import { CurrentCaller, type Caller } from '../authorization/caller';
import { ConnectionArgs } from '../graphql/pagination/connection.args';
import { Attempt, Challenge, ChallengeConnection, ChallengeKindEnum, Quota, SyncReport } from './challenge.model';
import { toChallenge } from './challenge-view';
import { CatalogService } from './catalog.service';
import { ChallengesService } from './challenges.service';

@ArgsType()
class ChallengesArgs extends ConnectionArgs {
  @Field(() => ChallengeKindEnum, { nullable: true })
  kind?: ChallengeKindEnum | null;
}

@Resolver(() => Challenge)
export class ChallengesResolver {
  constructor(
    private readonly challenges: ChallengesService,
    private readonly catalog: CatalogService,
  ) {}

  @Query(() => ChallengeConnection, { name: 'challenges', description: 'Active challenges by slug.' })
  async list(@Args() { kind, first, after }: ChallengesArgs): Promise<ChallengeConnection> {
    const page = await this.challenges.list((kind ?? undefined) as ChallengeKindName | undefined, first, after);
    return { ...page, edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: toChallenge(edge.node) })) };
  }

  @Query(() => Challenge, { nullable: true })
  async challenge(@Args('slug') slug: string): Promise<Challenge | null> {
    const record = await this.challenges.bySlug(slug);
    return record ? toChallenge(record) : null;
  }

  @Mutation(() => SyncReport, { description: 'ADMIN: re-read the catalog and sync it (also done at every start).' })
  syncCatalog(@CurrentCaller() caller: Caller): Promise<SyncReport> {
    return this.catalog.syncAsAdmin(caller);
  }
}

@Resolver(() => Attempt)
export class AttemptsResolver {
  constructor(private readonly challenges: ChallengesService) {}

  @Mutation(() => Attempt, { description: 'Your attempt at the current version of a challenge (created once per version).' })
  startAttempt(@CurrentCaller() caller: Caller, @Args('challengeSlug') challengeSlug: string): Promise<Attempt> {
    return this.challenges.startAttempt(caller, challengeSlug);
  }

  @Query(() => Attempt, { nullable: true })
  attempt(@CurrentCaller() caller: Caller, @Args('id', { type: () => ID }) id: string): Promise<Attempt> {
    return this.challenges.attempt(caller, id);
  }

  @ResolveField(() => Challenge, { description: 'The challenge at the version this attempt is judged by.' })
  async challenge(@Parent() attempt: Attempt): Promise<Challenge> {
    return toChallenge(await this.challenges.challengeOf(attempt));
  }

  @ResolveField(() => Quota)
  quota(@Parent() attempt: Attempt): Promise<Quota> {
    return this.challenges.quota(attempt);
  }
}
