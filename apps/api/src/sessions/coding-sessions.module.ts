import { Module } from '@nestjs/common';
import { ChallengesModule } from '../challenges/challenges.module';
import { SubmissionsModule } from '../submissions/submissions.module';
import { CodingSessionsResolver } from './coding-sessions.resolver';
import { CodingSessionsService } from './coding-sessions.service';

@Module({
  imports: [ChallengesModule, SubmissionsModule],
  providers: [CodingSessionsService, CodingSessionsResolver],
})
export class CodingSessionsModule {}
