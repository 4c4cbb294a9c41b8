import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma.service';
import type { Db } from '../transaction';

/** A certificate as served and checked. */
export interface CertificateRecord {
  id: string;
  resultId: string;
  canonical: string;
  signature: string;
  keyId: string;
  createdAt: Date;
  revokedAt: Date | null;
  revokedReason: string | null;
}

/** What a result's certificate is made of: the result and the rows around it. */
export interface CertifiedResult {
  resultId: string;
  verdict: 'PASSED' | 'INCONCLUSIVE' | 'FAILED';
  points: number;
  metrics: Record<string, unknown>;
  flags: string[];
  environment: Record<string, unknown>;
  submissionId: string;
  modelSha256: string | null;
  sourceSha256: string | null;
  learnerHandle: string;
  challenge: { slug: string; version: number };
}

type CertifiedResultRow = Omit<CertifiedResult, 'challenge'> & { challengeSlug: string; challengeVersion: number };

const CERTIFICATE = {
  id: true,
  resultId: true,
  canonical: true,
  signature: true,
  keyId: true,
  createdAt: true,
  revokedAt: true,
  revokedReason: true,
} as const;

@Injectable()
export class CertificateRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * The result `resultId` with its submission, learner and challenge version, or null. One query:
   * a nested select would load the relations concurrently on the transaction's one connection.
   */
  async resultToCertify(resultId: string, db: Db = this.prisma): Promise<CertifiedResult | null> {
    const rows = await db.$queryRaw<CertifiedResultRow[]>`
      SELECT r.id AS "resultId", r.verdict::text AS verdict, r.points, r.metrics, r.flags, r.environment,
             s.id AS "submissionId", s."modelSha256", s."sourceSha256", u.handle AS "learnerHandle",
             c.slug AS "challengeSlug", a."challengeVersion"
      FROM "Result" r
      JOIN "Submission" s ON s.id = r."submissionId"
      JOIN "User" u ON u.id = s."userId"
      JOIN "Challenge" c ON c.id = s."challengeId"
      JOIN "Attempt" a ON a.id = s."attemptId"
      WHERE r.id = ${resultId}::uuid`;
    const row = rows[0];
    if (!row) return null;
    const { challengeSlug, challengeVersion, ...result } = row;
    return { ...result, challenge: { slug: challengeSlug, version: challengeVersion } };
  }

  /** The result id of a submission, or null while it has none. */
  async resultIdOfSubmission(submissionId: string, db: Db = this.prisma): Promise<string | null> {
    const row = await db.result.findUnique({ where: { submissionId }, select: { id: true } });
    return row?.id ?? null;
  }

  create(
    data: { id: string; resultId: string; payload: object; canonical: string; signature: string; keyId: string },
    db: Db = this.prisma,
  ): Promise<CertificateRecord> {
    return db.certificate.create({ data: { ...data, payload: data.payload as Prisma.InputJsonValue }, select: CERTIFICATE });
  }

  findById(id: string): Promise<CertificateRecord | null> {
    return this.prisma.certificate.findUnique({ where: { id }, select: CERTIFICATE });
  }

  findByResult(resultId: string, db: Db = this.prisma): Promise<CertificateRecord | null> {
    return db.certificate.findUnique({ where: { resultId }, select: CERTIFICATE });
  }

  /** Marks a certificate revoked (it stays, so checks can say so). @returns false when there is none. */
  async revoke(id: string, reason: string, db: Db = this.prisma): Promise<boolean> {
    const { count } = await db.certificate.updateMany({
      where: { id, revokedAt: null },
      data: { revokedAt: new Date(), revokedReason: reason },
    });
    return count === 1;
  }
}
