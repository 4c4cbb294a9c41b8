import { Args, ArgsType, Field, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentCaller, type Caller } from '../authorization/caller';
import { Attempt, Challenge } from '../challenges/challenge.model';
import { toChallenge } from '../challenges/challenge-view';
import { ChallengesService } from '../challenges/challenges.service';
import { ConnectionArgs } from '../graphql/pagination/connection.args';
import { Submission, SubmissionConnection, SubmitModelInput } from './submission.model';
import { SubmissionsService } from './submissions.service';

@ArgsType()
class MySubmissionsArgs extends ConnectionArgs {
  @Field(() => String, { nullable: true })
  challengeSlug?: string | null;
}

@Resolver(() => Submission)
export class SubmissionsResolver {
  constructor(
    private readonly submissions: SubmissionsService,
    private readonly challenges: ChallengesService,
  ) {}

  @Mutation(() => Submission, { description: 'Queues an uploaded model for scoring (counts against the daily quota).' })
  submitModel(@CurrentCaller() caller: Caller, @Args('input') input: SubmitModelInput): Promise<Submission> {
    return this.submissions.submitModel(caller, input) as Promise<Submission>;
  }

  @Query(() => Submission, { nullable: true })
  submission(@CurrentCaller() caller: Caller, @Args('id', { type: () => ID }) id: string): Promise<Submission> {
    return this.submissions.byId(caller, id) as Promise<Submission>;
  }

  @Query(() => SubmissionConnection, { description: 'Your submissions, newest first.' })
  mySubmissions(
    @CurrentCaller() caller: Caller,
    @Args() { challengeSlug, first, after }: MySubmissionsArgs,
  ): Promise<SubmissionConnection> {
    return this.submissions.mine(caller, challengeSlug, first, after) as Promise<SubmissionConnection>;
  }

  @ResolveField(() => Challenge)
  async challenge(@Parent() submission: Submission): Promise<Challenge> {
    return toChallenge(await this.challenges.challengeOfSubmission(submission));
  }

  @ResolveField(() => Attempt)
  attempt(@CurrentCaller() caller: Caller, @Parent() submission: Submission): Promise<Attempt> {
    return this.challenges.attempt(caller, submission.attemptId);
  }
}
