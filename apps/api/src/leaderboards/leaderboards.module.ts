import { Module } from '@nestjs/common';
import { LeaderboardsResolver } from './leaderboards.resolver';
import { LeaderboardsService } from './leaderboards.service';

@Module({ providers: [LeaderboardsService, LeaderboardsResolver] })
export class LeaderboardsModule {}
