import { Module } from '@nestjs/common';
import { LeaderboardUpdatesService } from './leaderboard-updates.service';
import { LeaderboardsController } from './leaderboards.controller';
import { LeaderboardsResolver } from './leaderboards.resolver';
import { LeaderboardsService } from './leaderboards.service';

@Module({ controllers: [LeaderboardsController], providers: [LeaderboardsService, LeaderboardUpdatesService, LeaderboardsResolver] })
export class LeaderboardsModule {}
