import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DATABASE_URL } from '@app/db';
import { ScoringQueue } from '@app/queue';
import { AuthModule } from '../auth/auth.module';
import { ChallengesModule } from '../challenges/challenges.module';
import { SubmissionProgressService } from './submission-progress.service';
import { SubmissionReportController } from './submission-report.controller';
import { SubmissionReportService } from './submission-report.service';
import { SubmissionsResolver } from './submissions.resolver';
import { SCORING_QUEUE, SubmissionsService } from './submissions.service';

@Module({
  imports: [ChallengesModule, AuthModule],
  controllers: [SubmissionReportController],
  providers: [
    SubmissionsService,
    SubmissionReportService,
    SubmissionsResolver,
    SubmissionProgressService,
    { provide: SCORING_QUEUE, inject: [DATABASE_URL], useFactory: (url: string) => new ScoringQueue(url) },
  ],
  exports: [SubmissionsService, SCORING_QUEUE],
})
export class SubmissionsModule implements OnApplicationShutdown {
  constructor(@Inject(SCORING_QUEUE) private readonly queue: ScoringQueue) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queue.stop();
  }
}
