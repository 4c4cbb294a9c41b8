import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
import type { Db } from '../transaction';
import { SUBMITTED_CODE, submittedCodeOf, type SubmittedCode } from './submitted-code';

export interface SubmissionRecord {
  id: string;
  attemptId: string;
  userId: string;
  challengeId: string;
  status: 'QUEUED' | 'RUNNING' | 'SCORED' | 'REJECTED' | 'FAILED';
  phase: string | null;
  progress: number | null;
  rejectionCode: string | null;
  rejectionMessage: string | null;
  modelSha256: string | null;
  sourceSha256: string | null;
  /** AI_FREE_SESSION: the session the code was written in, and its language. */
  codingSessionId: string | null;
  language: string | null;
  rescoreOfId: string | null;
  countsTowardQuota: boolean;
  createdAt: Date;
}

export interface ResultRecord {
  id: string;
  submissionId: string;
  verdict: 'PASSED' | 'INCONCLUSIVE' | 'FAILED';
  points: number;
  metrics: Record<string, unknown>;
  flags: string[];
  environment: Record<string, unknown>;
  scorerId: string | null;
  createdAt: Date;
  /** Its signed certificate, once issued. */
  certificateId: string | null;
}

const SUBMISSION = {
  id: true,
  attemptId: true,
  userId: true,
  challengeId: true,
  status: true,
  phase: true,
  progress: true,
  rejectionCode: true,
  rejectionMessage: true,
  modelSha256: true,
  sourceSha256: true,
  codingSessionId: true,
  language: true,
  rescoreOfId: true,
  countsTowardQuota: true,
  createdAt: true,
} as const;

const RESULT = {
  id: true,
  submissionId: true,
  verdict: true,
  points: true,
  metrics: true,
  flags: true,
  environment: true,
  scorerId: true,
  createdAt: true,
  certificate: { select: { id: true } },
} as const;

@Injectable()
export class SubmissionRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Serialises submissions of one learner on one challenge, so the quota count and the insert cannot race. */
  async lockQuota(userId: string, challengeId: string, tx: Db): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('quota:' || ${userId} || ':' || ${challengeId}))`;
  }

  create(
    data: {
      attemptId: string;
      userId: string;
      challengeId: string;
      modelSha256: string | null;
      sourceSha256: string | null;
      codingSessionId?: string;
      code?: string;
      language?: string;
      editLogCutoffMs?: number;
      reportMarkdown?: string;
      evidenceSubmissionId?: string;
      rescoreOfId?: string | null;
      countsTowardQuota?: boolean;
    },
    db: Db = this.prisma,
  ): Promise<SubmissionRecord> {
    return db.submission.create({ data, select: SUBMISSION });
  }

  /** What an AI_FREE_SESSION submission holds (null for other kinds): the code and where it was written. */
  async codeOf(id: string): Promise<SubmittedCode | null> {
    const row = await this.prisma.submission.findUnique({ where: { id }, select: SUBMITTED_CODE });
    return row && submittedCodeOf(row);
  }

  async setJob(id: string, jobId: string, db: Db): Promise<void> {
    await db.submission.update({ where: { id }, data: { jobId } });
  }

  findById(id: string): Promise<SubmissionRecord | null> {
    return this.prisma.submission.findUnique({ where: { id }, select: SUBMISSION });
  }

  /** The result of a submission, once scored (or rejected with evidence). */
  async resultOf(submissionId: string): Promise<ResultRecord | null> {
    const row = await this.prisma.result.findUnique({ where: { submissionId }, select: RESULT });
    if (!row) return null;
    const { certificate, ...result } = row;
    return {
      ...result,
      metrics: row.metrics as Record<string, unknown>,
      environment: row.environment as Record<string, unknown>,
      certificateId: certificate?.id ?? null,
    };
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
