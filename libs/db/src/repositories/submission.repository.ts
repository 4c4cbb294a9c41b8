import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
import type { Db } from '../transaction';

@Injectable()
export class SubmissionRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Submissions of a learner on a challenge since `since` that use the daily quota. */
  countTowardQuota(userId: string, challengeId: string, since: Date, db: Db = this.prisma): Promise<number> {
    return db.submission.count({ where: { userId, challengeId, countsTowardQuota: true, createdAt: { gte: since } } });
  }
}
