import { Injectable } from '@nestjs/common';
import { ChallengeRepository, SubmissionRepository, UserRepository } from '@app/db';
import { CommonErrorCode, DomainError, Operation, storedTimingOf, SubmissionError, SubmissionErrorCode, isUuid } from '@app/domain';
import { AuthorizationService } from '../authorization/authorization.service';
import type { Caller } from '../authorization/caller';
import type { BenchmarkReportInput } from './benchmark-report';

/** The benchmark picture of a submission (`GET /submissions/:id/report.svg`). */
@Injectable()
export class SubmissionReportService {
  constructor(
    private readonly submissions: SubmissionRepository,
    private readonly challenges: ChallengeRepository,
    private readonly users: UserRepository,
    private readonly authorization: AuthorizationService,
  ) {}

  /**
   * What the picture of submission `id` shows, to whoever may see the submission (its learner,
   * admins). Who may not learns nothing about its result.
   * @throws UNAUTHENTICATED, NOT_FOUND, FORBIDDEN, NOT_FOUND/REPORT_NOT_AVAILABLE (no timing measured)
   */
  async benchmark(caller: Caller, id: string): Promise<BenchmarkReportInput> {
    this.authorization.signedIn(caller);
    const submission = isUuid(id) ? await this.submissions.findById(id) : null;
    if (!submission) throw new DomainError(CommonErrorCode.NotFound, `no submission ${id}`);
    this.authorization.authorize(caller, Operation.ViewSubmissionReport, { userId: submission.userId });
    const result = await this.submissions.resultOf(submission.id);
    const timing = result && storedTimingOf(result.metrics);
    if (!result || !timing) {
      throw new SubmissionError(
        SubmissionErrorCode.ReportNotAvailable,
        result
          ? `submission ${submission.id} has no timing to draw: it ended before the timing stage, or its challenge is not timed`
          : `submission ${submission.id} is ${submission.status}: its benchmark picture exists once it is scored`,
      );
    }
    const [challenge, learner] = await Promise.all([
      this.challenges.findById(submission.challengeId),
      this.users.findById(submission.userId),
    ]);
    return {
      challenge: challenge?.slug ?? submission.challengeId,
      submissionId: submission.id,
      learner: learner?.handle ?? '',
      verdict: result.verdict,
      timing,
    };
  }
}
