import { Args, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentCaller, type Caller } from '../authorization/caller';
import { User } from '../users/user.model';
import { CreateTeamInput, Team } from './team.model';
import { TeamsService } from './teams.service';

@Resolver(() => Team)
export class TeamsResolver {
  constructor(private readonly teams: TeamsService) {}

  @Query(() => Team, { nullable: true })
  team(@Args('slug') slug: string): Promise<Team | null> {
    return this.teams.bySlug(slug);
  }

  @Mutation(() => Team, { description: 'Creates a team with you as its owner (you must not be in a team).' })
  createTeam(@CurrentCaller() caller: Caller, @Args('input') input: CreateTeamInput): Promise<Team> {
    return this.teams.create(caller, input);
  }

  @Mutation(() => Team, { description: 'Joins the team with this invite code (you must not be in a team).' })
  joinTeam(@CurrentCaller() caller: Caller, @Args('inviteCode') inviteCode: string): Promise<Team> {
    return this.teams.join(caller, inviteCode);
  }

  @Mutation(() => Boolean, {
    description: 'Leaves the team; an owner with members must transfer ownership first. The last member leaving deletes the team.',
  })
  leaveTeam(@CurrentCaller() caller: Caller, @Args('teamSlug') teamSlug: string): Promise<boolean> {
    return this.teams.leave(caller, teamSlug);
  }

  @Mutation(() => Team, { description: 'Owner: a new invite code; the old one stops working.' })
  rotateInviteCode(@CurrentCaller() caller: Caller, @Args('teamSlug') teamSlug: string): Promise<Team> {
    return this.teams.rotateInviteCode(caller, teamSlug);
  }

  @Mutation(() => Team, { description: 'Owner: hand ownership to another member.' })
  transferTeamOwnership(
    @CurrentCaller() caller: Caller,
    @Args('teamSlug') teamSlug: string,
    @Args('handle') handle: string,
  ): Promise<Team> {
    return this.teams.transferOwnership(caller, teamSlug, handle);
  }

  @Mutation(() => Team, { description: 'Owner: remove a member from the team.' })
  removeTeamMember(@CurrentCaller() caller: Caller, @Args('teamSlug') teamSlug: string, @Args('handle') handle: string): Promise<Team> {
    return this.teams.removeMember(caller, teamSlug, handle);
  }

  @ResolveField(() => String, { nullable: true, description: 'Only the owner and admins see it.' })
  inviteCode(@CurrentCaller() caller: Caller, @Parent() team: Team): Promise<string | null> {
    return this.teams.inviteCodeVisibleTo(caller, team);
  }

  @ResolveField(() => [User], { description: 'In the order they joined.' })
  members(@Parent() team: Team): Promise<User[]> {
    return this.teams.members(team.id);
  }

  @ResolveField(() => User, { nullable: true })
  owner(@Parent() team: Team): Promise<User | null> {
    return this.teams.owner(team.id);
  }
}
