import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma.service';
import type { Db } from '../transaction';
import { refreshStandings, type StandingsDelta } from './leaderboard-upkeep';
import { SUBMITTED_CODE, submittedCodeOf, type SubmittedCode } from './submitted-code';

/** Everything a scorer needs to score one submission, hidden material included. Never served. */
export interface ScoringInput {
  submissionId: string;
  attemptId: string;
  userId: string;
  status: 'QUEUED' | 'RUNNING' | 'SCORED' | 'REJECTED' | 'FAILED';
  modelSha256: string | null;
  sourceSha256: string | null;
  /** AI_FREE_SESSION: the code, its session and the edit-log cutoff. */
  code: SubmittedCode | null;
  /** DOCUMENT_RESULTS: the report and the submission it documents. */
  report: { markdown: string; evidenceSubmissionId: string } | null;
  secretSeed: string;
  challenge: {
    id: string;
    slug: string;
    kind: 'OPTIMIZE_MODEL' | 'PORT_TO_JAX' | 'DOCUMENT_RESULTS' | 'AI_FREE_SESSION';
    version: number;
    points: number;
    definition: Record<string, unknown>;
    hidden: Record<string, unknown>;
  };
}

export interface ResultData {
  verdict: 'PASSED' | 'INCONCLUSIVE' | 'FAILED';
  points: number;
  metrics: Record<string, unknown>;
  flags: string[];
  environment: Record<string, unknown>;
}

/** How a claimed scoring ends: a result (SCORED, or REJECTED with its reason and the evidence). */
export interface ScoringEnd {
  status: 'SCORED' | 'REJECTED';
  rejection: { code: string; message: string } | null;
  result: ResultData;
}

/**
 * The scorer's writes. Every write after the claim is fenced on the claim number: a job attempt
 * that is not the latest (a scorer presumed dead, a duplicate delivery) matches no row and
 * changes nothing.
 */
@Injectable()
export class ScoringRepository {
  constructor(private readonly prisma: PrismaService) {}

  async loadInput(submissionId: string): Promise<ScoringInput | null> {
    const row = await this.prisma.submission.findUnique({
      where: { id: submissionId },
      select: {
        id: true,
        attemptId: true,
        userId: true,
        status: true,
        modelSha256: true,
        sourceSha256: true,
        ...SUBMITTED_CODE,
        reportMarkdown: true,
        evidenceSubmissionId: true,
        attempt: { select: { secretSeed: true, challengeVersion: true } },
        challenge: { select: { id: true, slug: true, kind: true, points: true } },
      },
    });
    if (!row) return null;
    const version = await this.prisma.challengeVersion.findUnique({
      where: { challengeId_version: { challengeId: row.challenge.id, version: row.attempt.challengeVersion } },
      select: { definition: true, hidden: true },
    });
    if (!version) return null;
    return {
      submissionId: row.id,
      attemptId: row.attemptId,
      userId: row.userId,
      status: row.status,
      modelSha256: row.modelSha256,
      sourceSha256: row.sourceSha256,
      code: submittedCodeOf(row),
      report:
        row.reportMarkdown !== null && row.evidenceSubmissionId !== null
          ? { markdown: row.reportMarkdown, evidenceSubmissionId: row.evidenceSubmissionId }
          : null,
      secretSeed: row.attempt.secretSeed,
      challenge: {
        ...row.challenge,
        version: row.attempt.challengeVersion,
        definition: version.definition as Record<string, unknown>,
        hidden: version.hidden as Record<string, unknown>,
      },
    };
  }

  /**
   * Claims the submission for a job attempt: QUEUED or RUNNING becomes RUNNING under a new claim
   * number (a re-run after a dead scorer supersedes the old claim). @returns the claim, or null
   * when the submission already ended.
   */
  async claim(submissionId: string, scorerId: string, db: Db = this.prisma): Promise<number | null> {
    const rows = await db.submission.updateManyAndReturn({
      where: { id: submissionId, status: { in: ['QUEUED', 'RUNNING'] } },
      data: { status: 'RUNNING', scoringClaim: { increment: 1 }, scorerId, phase: 'starting', progress: 0 },
      select: { scoringClaim: true },
    });
    return rows[0]?.scoringClaim ?? null;
  }

  /** Records progress under the claim. @returns false when the claim is no longer the latest. */
  async progress(submissionId: string, claim: number, phase: string, progress: number, db: Db = this.prisma): Promise<boolean> {
    const { count } = await db.submission.updateMany({
      where: { id: submissionId, scoringClaim: claim, status: 'RUNNING' },
      data: { phase, progress },
    });
    return count === 1;
  }

  /**
   * Ends the claimed scoring with its one result, in `tx`, and brings the learner's standings in
   * line with it. @returns what changed on the leaderboards, or null (and writes nothing) when the
   * claim is not the latest or the submission already ended.
   */
  async finish(
    submissionId: string,
    claim: number,
    jobId: string,
    scorerId: string,
    end: ScoringEnd,
    tx: Db,
  ): Promise<StandingsDelta | null> {
    const ended = await tx.submission.updateManyAndReturn({
      where: { id: submissionId, scoringClaim: claim, status: 'RUNNING' },
      data: {
        status: end.status,
        phase: null,
        progress: 1,
        rejectionCode: end.rejection?.code ?? null,
        rejectionMessage: end.rejection?.message ?? null,
      },
      select: { userId: true, challengeId: true },
    });
    if (ended.length !== 1) return null;
    await tx.result.create({
      data: {
        submissionId,
        verdict: end.result.verdict,
        points: end.result.points,
        metrics: end.result.metrics as Prisma.InputJsonValue,
        flags: end.result.flags,
        environment: end.result.environment as Prisma.InputJsonValue,
        scorerId,
        jobId,
        scoringClaim: claim,
      },
    });
    return refreshStandings(tx, { userIds: [ended[0]!.userId], challengeIds: [ended[0]!.challengeId] });
  }

  /**
   * Ends a submission the platform could not score (its job's retries are exhausted): FAILED, not
   * counted toward the quota. @returns false when it had already ended.
   */
  async failForPlatform(submissionId: string, code: string, message: string, db: Db = this.prisma): Promise<boolean> {
    const { count } = await db.submission.updateMany({
      where: { id: submissionId, status: { in: ['QUEUED', 'RUNNING'] } },
      data: { status: 'FAILED', phase: null, progress: null, rejectionCode: code, rejectionMessage: message, countsTowardQuota: false },
    });
    return count === 1;
  }

  /** The submission's current state, for the event that announces a change. */
  state(submissionId: string, db: Db = this.prisma) {
    return db.submission.findUnique({
      where: { id: submissionId },
      select: { id: true, userId: true, status: true, phase: true, progress: true },
    });
  }
}
