import { Args, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { CurrentCaller, type Caller } from '../authorization/caller';
import { asSubscriptionError } from '../graphql/graphql-error-formatter';
import { User } from '../users/user.model';
import { Progress } from './progress.model';
import { ProgressUpdatesService } from './progress-updates.service';
import { ProgressService } from './progress.service';

@Resolver(() => User)
export class ProgressResolver {
  constructor(
    private readonly service: ProgressService,
    private readonly updates: ProgressUpdatesService,
  ) {}

  @ResolveField(() => Progress, {
    nullable: true,
    description: "The user's progress: to the user themself (`me { progress }`); null to anyone else (mentors: learnerProgress).",
  })
  progress(@CurrentCaller() caller: Caller, @Parent() user: User): Promise<Progress> | null {
    return this.service.visibleTo(caller, user.id);
  }

  @Query(() => Progress, { description: "A learner's progress: for their mentors (who reviewed their work) and admins." })
  learnerProgress(@CurrentCaller() caller: Caller, @Args('handle') handle: string): Promise<Progress> {
    return this.service.ofLearner(caller, handle);
  }

  @Subscription(() => Progress, {
    description: "The signed-in learner's progress now, then whenever milestones, streaks or points change.",
    resolve: (progress: Progress) => progress,
  })
  progressUpdated(@CurrentCaller() caller: Caller): Promise<AsyncIterableIterator<Progress>> {
    return this.updates.watch(caller).catch((error: unknown) => {
      throw asSubscriptionError(error);
    });
  }
}
