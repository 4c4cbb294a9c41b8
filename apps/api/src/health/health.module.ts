import { Global, Module } from '@nestjs/common';
import { SubmissionsModule } from '../submissions/submissions.module';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { LifecycleService } from './lifecycle.service';

@Global()
@Module({
  imports: [SubmissionsModule],
  controllers: [HealthController],
  providers: [HealthService, LifecycleService],
  exports: [LifecycleService],
})
export class HealthModule {}
