import { Args, ArgsType, Field, ID, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { CurrentCaller, type Caller } from '../authorization/caller';
import { Attempt, Challenge } from '../challenges/challenge.model';
import { toChallenge } from '../challenges/challenge-view';
import { ChallengesService } from '../challenges/challenges.service';
import { asSubscriptionError } from '../graphql/graphql-error-formatter';
import { ConnectionArgs } from '../graphql/pagination/connection.args';
import { toResult } from './result-view';
import { Rejection, Result, Submission, SubmissionConnection, SubmitModelInput, SubmitReportInput } from './submission.model';
import { SubmissionProgressService } from './submission-progress.service';
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
    private readonly progress: SubmissionProgressService,
  ) {}

  @Mutation(() => Submission, { description: 'Queues an uploaded model for scoring (counts against the daily quota).' })
  submitModel(@CurrentCaller() caller: Caller, @Args('input') input: SubmitModelInput): Promise<Submission> {
    return this.submissions.submitModel(caller, input) as Promise<Submission>;
  }

  @Mutation(() => Submission, {
    description: 'Submits a report on one of your scored submissions; it is checked in the sandbox, then reviewed by a mentor.',
  })
  submitReport(@CurrentCaller() caller: Caller, @Args('input') input: SubmitReportInput): Promise<Submission> {
    return this.submissions.submitReport(caller, input) as Promise<Submission>;
  }

  @Mutation(() => Submission, {
    description: "Scores a submission again as a new submission (fresh hidden inputs). Uses your quota; an admin's does not.",
  })
  rescore(@CurrentCaller() caller: Caller, @Args('submissionId', { type: () => ID }) submissionId: string): Promise<Submission> {
    return this.submissions.rescore(caller, submissionId) as Promise<Submission>;
  }

  @Subscription(() => Submission, {
    description: 'The submission now, then after every change (phase and progress while RUNNING); ends at a terminal status.',
    resolve: (submission: Submission) => submission,
  })
  submissionUpdated(
    @CurrentCaller() caller: Caller,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<AsyncIterableIterator<Submission>> {
    return this.progress.watch(caller, id).catch((error: unknown) => {
      throw asSubscriptionError(error);
    }) as Promise<AsyncIterableIterator<Submission>>;
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

  @ResolveField(() => Rejection, { nullable: true })
  rejection(@Parent() submission: Submission): Rejection | null {
    return submission.rejectionCode ? { code: submission.rejectionCode, message: submission.rejectionMessage ?? '' } : null;
  }

  @ResolveField(() => Result, { nullable: true, description: 'Once scored; a REJECTED submission keeps its evidence here too.' })
  async result(@Parent() submission: Submission): Promise<Result | null> {
    const record = await this.submissions.resultOf(submission);
    return record && toResult(record);
  }

  @ResolveField(() => Attempt)
  attempt(@CurrentCaller() caller: Caller, @Parent() submission: Submission): Promise<Attempt> {
    return this.challenges.attempt(caller, submission.attemptId);
  }
}
