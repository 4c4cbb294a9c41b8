import { Module } from '@nestjs/common';
import { CatalogService } from './catalog.service';
import { ChallengeAssetsController } from './challenge-assets.controller';
import { AttemptsResolver, ChallengesResolver } from './challenges.resolver';
import { ChallengesService } from './challenges.service';

@Module({
  controllers: [ChallengeAssetsController],
  providers: [CatalogService, ChallengesService, ChallengesResolver, AttemptsResolver],
  exports: [CatalogService, ChallengesService],
})
export class ChallengesModule {}
