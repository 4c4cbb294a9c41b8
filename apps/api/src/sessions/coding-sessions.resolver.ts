import { Args, Float, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { timeLeftMs } from '@app/domain';
import { CurrentCaller, type Caller } from '../authorization/caller';
import { Clock } from '../clock/clock';
import { Attempt } from '../challenges/challenge.model';
import { toChallenge } from '../challenges/challenge-view';
import { ChallengesService } from '../challenges/challenges.service';
import { Submission } from '../submissions/submission.model';
import { CodingSession, EditAck, EditBatchInput, SubmitCodeInput } from './coding-session.model';
import { CodingSessionsService, type SessionView } from './coding-sessions.service';

@Resolver(() => CodingSession)
export class CodingSessionsResolver {
  constructor(
    private readonly sessions: CodingSessionsService,
    private readonly challenges: ChallengesService,
    private readonly clock: Clock,
  ) {}

  @Mutation(() => CodingSession, {
    description: 'AI_FREE_SESSION only: starts the clock (deadline = now + timeLimitMinutes), or answers your open session.',
  })
  async startSession(@CurrentCaller() caller: Caller, @Args('challengeSlug') challengeSlug: string): Promise<CodingSession> {
    return toCodingSession(await this.sessions.start(caller, challengeSlug), this.clock.now());
  }

  @Query(() => CodingSession, { nullable: true, description: 'A session, to its learner and admins.' })
  async session(@CurrentCaller() caller: Caller, @Args('id', { type: () => ID }) id: string): Promise<CodingSession> {
    return toCodingSession(await this.sessions.byId(caller, id), this.clock.now());
  }

  @Mutation(() => EditAck, { description: 'Stores a batch of the edit log once per seq; answers the seqs still missing.' })
  recordEdits(@CurrentCaller() caller: Caller, @Args('input') input: EditBatchInput): Promise<EditAck> {
    return this.sessions.recordEdits(caller, input);
  }

  @Mutation(() => Submission, {
    description:
      'Submits the code of your session for scoring: hidden tests, a comparison with an AI-written solution, integrity evidence from the edit log. Taken until the deadline + 5 s; counts against the daily quota.',
  })
  submitCode(@CurrentCaller() caller: Caller, @Args('input') input: SubmitCodeInput): Promise<Submission> {
    return this.sessions.submitCode(caller, input) as Promise<Submission>;
  }

  @Query(() => [String], {
    description: 'The code at each time (ms since the session start), replayed from the edit log; at most 100 times.',
  })
  sessionPlayback(
    @CurrentCaller() caller: Caller,
    @Args('id', { type: () => ID }) id: string,
    @Args('atMs', { type: () => [Float] }) atMs: number[],
  ): Promise<string[]> {
    return this.sessions.playback(caller, id, atMs);
  }

  @ResolveField(() => Attempt, { description: 'The attempt the session belongs to.' })
  async attempt(@CurrentCaller() caller: Caller, @Parent() session: CodingSession): Promise<Attempt> {
    return this.challenges.attempt(caller, session.attemptId);
  }
}

function toCodingSession({ session, challenge, spec }: SessionView, now: Date): CodingSession {
  return {
    id: session.id,
    challenge: toChallenge(challenge),
    startedAt: session.startedAt,
    deadline: session.deadline,
    timeLeftMs: timeLeftMs(session.deadline, now),
    entryPoint: spec.entryPoint,
    signature: spec.signature,
    examples: spec.examples,
    attemptId: session.attemptId,
    userId: session.userId,
  };
}
