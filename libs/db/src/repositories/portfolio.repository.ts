import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
import type { Db } from '../transaction';
import type { JournalEntryRecord } from './journal.repository';

/** A certificate as a portfolio shows it: what its signed payload says, with the challenge's current title. */
export interface PublicCertificateRecord {
  certificateId: string;
  challengeSlug: string;
  challengeTitle: string;
  kind: 'OPTIMIZE_MODEL' | 'PORT_TO_JAX' | 'DOCUMENT_RESULTS' | 'AI_FREE_SESSION';
  verdict: 'PASSED' | 'INCONCLUSIVE' | 'FAILED';
  points: number;
  speedup: number | null;
  speedupLow: number | null;
  speedupHigh: number | null;
  issuedAt: Date;
}

/** An approved report as a portfolio shows it. */
export interface PublicReportRecord {
  submissionId: string;
  challengeSlug: string;
  challengeTitle: string;
  markdown: string;
  approvedAt: Date;
  approvedPoints: number | null;
}

/** What deciding whether a certificate may be published needs. */
export interface CertificateItemFacts {
  ownerId: string;
  revoked: boolean;
}

/** What deciding whether a submission is a publishable report needs. */
export interface ReportItemFacts {
  ownerId: string;
  kind: 'OPTIMIZE_MODEL' | 'PORT_TO_JAX' | 'DOCUMENT_RESULTS' | 'AI_FREE_SESSION';
  hasReport: boolean;
  approved: boolean;
}

interface CertificateRow {
  certificateId: string;
  challengeSlug: string;
  challengeTitle: string;
  kind: PublicCertificateRecord['kind'];
  payload: unknown;
  createdAt: Date;
  resultVerdict: PublicCertificateRecord['verdict'];
  resultPoints: number;
}

const VERDICTS: readonly unknown[] = ['PASSED', 'INCONCLUSIVE', 'FAILED'];

type JournalRow = Omit<JournalEntryRecord, 'localDate'> & { localDate: Date };

/**
 * Reads for the public portfolio (docs/decisions/portfolio-types.md). Every "public" read joins
 * the `PublicItem` row of the item's owner, at request time: no row, nothing shown.
 */
@Injectable()
export class PortfolioRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Locks the learner's row until the transaction ends, so their visibility changes happen one at
   * a time (NO KEY UPDATE: rows that only reference the user are not held up).
   */
  async lockOwner(userId: string, db: Db): Promise<void> {
    await db.$queryRaw`SELECT 1 FROM "User" WHERE id = ${userId}::uuid FOR NO KEY UPDATE`;
  }

  /** Who owns certificate `id`, and whether it is revoked; null for no such certificate. */
  async certificateFacts(id: string, db: Db = this.prisma): Promise<CertificateItemFacts | null> {
    const row = await db.certificate.findUnique({
      where: { id },
      select: { revokedAt: true, result: { select: { submission: { select: { userId: true } } } } },
    });
    return row ? { ownerId: row.result.submission.userId, revoked: row.revokedAt !== null } : null;
  }

  /** Who owns submission `id`, its challenge's kind, whether it holds a report and whether its result was approved; null for no such submission. */
  async reportFacts(id: string, db: Db = this.prisma): Promise<ReportItemFacts | null> {
    const row = await db.submission.findUnique({
      where: { id },
      select: {
        userId: true,
        reportMarkdown: true,
        challenge: { select: { kind: true } },
        result: { select: { approvedAt: true } },
      },
    });
    if (!row) return null;
    return {
      ownerId: row.userId,
      kind: row.challenge.kind,
      hasReport: row.reportMarkdown !== null,
      approved: row.result?.approvedAt != null,
    };
  }

  /** Who wrote journal entry `id`; null for no such entry. */
  async journalEntryOwner(id: string, db: Db = this.prisma): Promise<string | null> {
    const row = await db.journalEntry.findUnique({ where: { id }, select: { userId: true } });
    return row?.userId ?? null;
  }

  /** The learner's public, unrevoked certificates, newest first, at most `take`. */
  async publicCertificates(userId: string, take: number): Promise<PublicCertificateRecord[]> {
    const rows = await this.prisma.$queryRaw<CertificateRow[]>`
      SELECT cert.id::text AS "certificateId", c.slug AS "challengeSlug", c.title AS "challengeTitle", c.kind::text AS kind,
             cert.payload, cert."createdAt", r.verdict::text AS "resultVerdict", r.points AS "resultPoints"
        FROM "PublicItem" p
        JOIN "Certificate" cert ON cert.id = p."itemId" AND cert."revokedAt" IS NULL
        JOIN "Result" r ON r.id = cert."resultId"
        JOIN "Submission" s ON s.id = r."submissionId" AND s."userId" = p."userId"
        JOIN "Challenge" c ON c.id = s."challengeId"
       WHERE p."userId" = ${userId}::uuid AND p.kind = 'CERTIFICATE'
       ORDER BY cert."createdAt" DESC, cert.id DESC
       LIMIT ${take}`;
    return rows.map(toCertificate);
  }

  /** Certificate `id` if it is unrevoked and public on its owner's portfolio now; else null (badges). */
  async publicCertificate(id: string): Promise<PublicCertificateRecord | null> {
    const rows = await this.prisma.$queryRaw<CertificateRow[]>`
      SELECT cert.id::text AS "certificateId", c.slug AS "challengeSlug", c.title AS "challengeTitle", c.kind::text AS kind,
             cert.payload, cert."createdAt", r.verdict::text AS "resultVerdict", r.points AS "resultPoints"
        FROM "Certificate" cert
        JOIN "Result" r ON r.id = cert."resultId"
        JOIN "Submission" s ON s.id = r."submissionId"
        JOIN "Challenge" c ON c.id = s."challengeId"
        JOIN "PublicItem" p ON p."userId" = s."userId" AND p.kind = 'CERTIFICATE' AND p."itemId" = cert.id
       WHERE cert.id = ${id}::uuid AND cert."revokedAt" IS NULL`;
    return rows[0] ? toCertificate(rows[0]) : null;
  }

  /** The learner's public reports that are approved DOCUMENT_RESULTS results, most recently approved first, at most `take`. */
  publicReports(userId: string, take: number): Promise<PublicReportRecord[]> {
    return this.prisma.$queryRaw<PublicReportRecord[]>`
      SELECT s.id::text AS "submissionId", c.slug AS "challengeSlug", c.title AS "challengeTitle", s."reportMarkdown" AS markdown,
             r."approvedAt", r."approvedPoints"
        FROM "PublicItem" p
        JOIN "Submission" s ON s.id = p."itemId" AND s."userId" = p."userId" AND s."reportMarkdown" IS NOT NULL
        JOIN "Challenge" c ON c.id = s."challengeId" AND c.kind = 'DOCUMENT_RESULTS'
        JOIN "Result" r ON r."submissionId" = s.id AND r."approvedAt" IS NOT NULL
       WHERE p."userId" = ${userId}::uuid AND p.kind = 'REPORT'
       ORDER BY r."approvedAt" DESC, s.id DESC
       LIMIT ${take}`;
  }

  /** The learner's public journal entries, newest first, at most `take`. */
  async publicJournalEntries(userId: string, take: number): Promise<JournalEntryRecord[]> {
    const rows = await this.prisma.$queryRaw<JournalRow[]>`
      SELECT j.id::text AS id, j."userId"::text AS "userId", j.tried, j.failed, j.learned, j.minutes, j.links,
             j."localDate", j."timeZone", j."createdAt", j."updatedAt"
        FROM "PublicItem" p
        JOIN "JournalEntry" j ON j.id = p."itemId" AND j."userId" = p."userId"
       WHERE p."userId" = ${userId}::uuid AND p.kind = 'JOURNAL_ENTRY'
       ORDER BY j."createdAt" DESC, j.id DESC
       LIMIT ${take}`;
    return rows.map(({ localDate, ...row }) => ({ ...row, localDate: localDate.toISOString().slice(0, 10) }));
  }
}

/** The signed payload's numbers (docs/certificates.md); anything missing or not a finite number is null. */
function toCertificate(row: CertificateRow): PublicCertificateRecord {
  const payload = isObject(row.payload) ? row.payload : {};
  const metrics = isObject(payload.metrics) ? payload.metrics : {};
  const issuedAt = typeof payload.issuedAt === 'string' ? new Date(payload.issuedAt) : row.createdAt;
  return {
    certificateId: row.certificateId,
    challengeSlug: isObject(payload.challenge) && typeof payload.challenge.slug === 'string' ? payload.challenge.slug : row.challengeSlug,
    challengeTitle: row.challengeTitle,
    kind: row.kind,
    verdict: isVerdict(payload.verdict) ? payload.verdict : row.resultVerdict,
    points: finite(payload.points) ?? row.resultPoints,
    speedup: finite(metrics.speedup),
    speedupLow: finite(metrics.speedupLow),
    speedupHigh: finite(metrics.speedupHigh),
    issuedAt: Number.isNaN(issuedAt.getTime()) ? row.createdAt : issuedAt,
  };
}

function isVerdict(value: unknown): value is PublicCertificateRecord['verdict'] {
  return VERDICTS.includes(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
