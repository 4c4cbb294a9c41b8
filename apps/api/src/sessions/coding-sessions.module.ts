import { Module } from '@nestjs/common';
import { ChallengesModule } from '../challenges/challenges.module';
import { CodingSessionsResolver } from './coding-sessions.resolver';
import { CodingSessionsService } from './coding-sessions.service';

@Module({
  imports: [ChallengesModule],
  providers: [CodingSessionsService, CodingSessionsResolver],
})
export class CodingSessionsModule {}
