import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Role } from '@app/domain';
import { CurrentCaller, type Caller } from '../authorization/caller';
import { Team } from '../teams/team.model';
import { TeamsService } from '../teams/teams.service';
import { RoleEnum, User } from './user.model';
import { UsersService } from './users.service';

@Resolver(() => User)
export class UsersResolver {
  constructor(
    private readonly users: UsersService,
    private readonly teams: TeamsService,
  ) {}

  @Query(() => User, { nullable: true, description: 'The signed-in user; null without a token; UNAUTHENTICATED with a bad one.' })
  me(@CurrentCaller() caller: Caller): Promise<User | null> {
    return this.users.me(caller);
  }

  @Mutation(() => User, { description: 'ADMIN: change a user’s role.' })
  setRole(
    @CurrentCaller() caller: Caller,
    @Args('userId', { type: () => ID }) userId: string,
    @Args('role', { type: () => RoleEnum }) role: Role,
  ): Promise<User> {
    return this.users.setRole(caller, userId, role);
  }

  @ResolveField(() => String, { nullable: true, description: 'Only to the user and admins.' })
  email(@CurrentCaller() caller: Caller, @Parent() user: User): string | null {
    return this.users.emailVisibleTo(caller, user);
  }

  @ResolveField(() => Team, { nullable: true, description: 'The team the user competes for.' })
  team(@Parent() user: User): Promise<Team | null> {
    return this.teams.teamOf(user.id);
  }
}
