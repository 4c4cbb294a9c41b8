import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { SubmissionsModule } from '../submissions/submissions.module';
import { ReviewMaintenanceService } from './review-maintenance.service';
import { ReviewUpdatesService } from './review-updates.service';
import { ReviewCommentsResolver, ReviewsResolver, SubmissionReviewResolver } from './reviews.resolver';
import { REVIEW_SETTINGS, ReviewsService, type ReviewSettings } from './reviews.service';

@Module({
  imports: [SubmissionsModule],
  providers: [
    ReviewsService,
    ReviewUpdatesService,
    ReviewMaintenanceService,
    ReviewsResolver,
    ReviewCommentsResolver,
    SubmissionReviewResolver,
    {
      provide: REVIEW_SETTINGS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): ReviewSettings => ({ leaseMs: config.reviewLeaseMs }),
    },
  ],
  exports: [ReviewsService, ReviewMaintenanceService],
})
export class ReviewsModule {}
