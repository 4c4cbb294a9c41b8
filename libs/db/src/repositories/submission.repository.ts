import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
import type { Db } from '../transaction';

export interface SubmissionRecord {
  id: string;
  attemptId: string;
  userId: string;
  challengeId: string;
  status: 'QUEUED' | 'RUNNING' | 'SCORED' | 'REJECTED' | 'FAILED';
  createdAt: Date;
}

const SUBMISSION = { id: true, attemptId: true, userId: true, challengeId: true, status: true, createdAt: true } as const;

@Injectable()
export class SubmissionRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Serialises submissions of one learner on one challenge, so the quota count and the insert cannot race. */
  async lockQuota(userId: string, challengeId: string, tx: Db): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('quota:' || ${userId} || ':' || ${challengeId}))`;
  }

  create(
    data: { attemptId: string; userId: string; challengeId: string; modelSha256: string | null; sourceSha256: string | null },
    db: Db = this.prisma,
  ): Promise<SubmissionRecord> {
    return db.submission.create({ data, select: SUBMISSION });
  }

  async setJob(id: string, jobId: string, db: Db): Promise<void> {
    await db.submission.update({ where: { id }, data: { jobId } });
  }

  findById(id: string): Promise<SubmissionRecord | null> {
    return this.prisma.submission.findUnique({ where: { id }, select: SUBMISSION });
  }

  /** A learner's submissions, newest first, keyset-paginated on (createdAt, id). */
  listForUser(userId: string, take: number, challengeId?: string, after?: { createdAt: Date; id: string }): Promise<SubmissionRecord[]> {
    return this.prisma.submission.findMany({
      where: {
        userId,
        ...(challengeId ? { challengeId } : {}),
        ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
      select: SUBMISSION,
    });
  }

  /** Submissions of a learner on a challenge since `since` that use the daily quota. */
  countTowardQuota(userId: string, challengeId: string, since: Date, db: Db = this.prisma): Promise<number> {
    return db.submission.count({ where: { userId, challengeId, countsTowardQuota: true, createdAt: { gte: since } } });
  }
}
