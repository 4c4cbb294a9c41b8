import { Module } from '@nestjs/common';
import { LeaderboardsController } from './leaderboards.controller';
import { LeaderboardsResolver } from './leaderboards.resolver';
import { LeaderboardsService } from './leaderboards.service';

@Module({ controllers: [LeaderboardsController], providers: [LeaderboardsService, LeaderboardsResolver] })
export class LeaderboardsModule {}
