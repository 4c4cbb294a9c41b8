import { Module } from '@nestjs/common';
import { BadgesController } from './badges.controller';
import { JournalEntryResolver, UserTimeZoneResolver } from './journal.resolver';
import { JournalService } from './journal.service';
import { PortfolioResolver } from './portfolio.resolver';
import { PortfolioService } from './portfolio.service';
import { ProgressUpdatesService } from './progress-updates.service';
import { ProgressResolver } from './progress.resolver';
import { ProgressService } from './progress.service';

/** Learner progress, habits, the learning journal and the public portfolio (docs/progress.md). */
@Module({
  providers: [
    JournalService,
    JournalEntryResolver,
    UserTimeZoneResolver,
    ProgressService,
    ProgressUpdatesService,
    ProgressResolver,
    PortfolioService,
    PortfolioResolver,
  ],
  controllers: [BadgesController],
  exports: [JournalService, ProgressService],
})
export class ProgressModule {}
