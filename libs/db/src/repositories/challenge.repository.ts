import { Injectable } from '@nestjs/common';
import type { StoredChallenge } from '@app/catalog';
import type { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma.service';
import type { Db } from '../transaction';

export type ChallengeKindName = 'OPTIMIZE_MODEL' | 'PORT_TO_JAX' | 'DOCUMENT_RESULTS' | 'AI_FREE_SESSION';

/** A challenge at one version, with its public definition (never the hidden material). */
export interface ChallengeRecord {
  id: string;
  slug: string;
  kind: ChallengeKindName;
  title: string;
  difficulty: string;
  points: number;
  dailyQuota: number;
  version: number;
  retiredAt: Date | null;
  /** When the challenge was first published (its first version synced). */
  createdAt: Date;
  definition: Record<string, unknown>;
}

/** One challenge as the catalog defines it now, ready to sync. */
export type CatalogEntry = StoredChallenge;

export interface SyncOutcome {
  created: string[];
  updated: string[];
  unchanged: string[];
  retired: string[];
}

const CHALLENGE = {
  id: true,
  slug: true,
  kind: true,
  title: true,
  difficulty: true,
  points: true,
  dailyQuota: true,
  currentVersion: true,
  retiredAt: true,
  createdAt: true,
} as const;

@Injectable()
export class ChallengeRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Brings the database in line with the catalog inside `tx`: a new slug is version 1; a changed
   * content hash is the next version (older versions stay for the results scored on them); a slug
   * gone from the catalog is retired, not deleted. Serialised across replicas by an advisory lock.
   */
  async sync(entries: CatalogEntry[], tx: Db): Promise<SyncOutcome> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('catalog-sync'))`;
    const outcome: SyncOutcome = { created: [], updated: [], unchanged: [], retired: [] };
    for (const entry of entries) {
      const fields = {
        kind: entry.kind,
        title: entry.title,
        difficulty: entry.difficulty,
        points: entry.points,
        dailyQuota: entry.dailyQuota,
        retiredAt: null,
      };
      const version = {
        contentHash: entry.contentHash,
        definition: entry.definition as Prisma.InputJsonValue,
        hidden: entry.hidden as Prisma.InputJsonValue,
      };
      const existing = await tx.challenge.findUnique({
        where: { slug: entry.slug },
        select: {
          id: true,
          currentVersion: true,
          retiredAt: true,
          versions: { orderBy: { version: 'desc' }, take: 1, select: { contentHash: true } },
        },
      });
      if (!existing) {
        await tx.challenge.create({
          data: { slug: entry.slug, ...fields, currentVersion: 1, versions: { create: { version: 1, ...version } } },
        });
        outcome.created.push(entry.slug);
      } else if (existing.versions[0]?.contentHash !== entry.contentHash) {
        const next = existing.currentVersion + 1;
        await tx.challenge.update({
          where: { id: existing.id },
          data: { ...fields, currentVersion: next, versions: { create: { version: next, ...version } } },
        });
        outcome.updated.push(entry.slug);
      } else {
        if (existing.retiredAt) await tx.challenge.update({ where: { id: existing.id }, data: { retiredAt: null } });
        outcome.unchanged.push(entry.slug);
      }
    }
    const retired = await tx.challenge.findMany({
      where: { slug: { notIn: entries.map((e) => e.slug) }, retiredAt: null },
      select: { slug: true },
    });
    if (retired.length > 0) {
      await tx.challenge.updateMany({ where: { slug: { in: retired.map((r) => r.slug) } }, data: { retiredAt: new Date() } });
    }
    outcome.retired = retired.map((r) => r.slug);
    return outcome;
  }

  /** The challenge at its current version; retired ones too (their results stay visible). */
  async findBySlug(slug: string, db: Db = this.prisma): Promise<ChallengeRecord | null> {
    const challenge = await db.challenge.findUnique({ where: { slug }, select: CHALLENGE });
    return challenge ? this.withVersion(challenge, challenge.currentVersion, db) : null;
  }

  /** What never changes about a challenge (its id, kind, first publication), without its definition: one light query. */
  identity(slug: string): Promise<{ id: string; slug: string; kind: ChallengeKindName; createdAt: Date } | null> {
    return this.prisma.challenge.findUnique({ where: { slug }, select: { id: true, slug: true, kind: true, createdAt: true } });
  }

  async findById(id: string, version?: number): Promise<ChallengeRecord | null> {
    const challenge = await this.prisma.challenge.findUnique({ where: { id }, select: CHALLENGE });
    return challenge ? this.withVersion(challenge, version ?? challenge.currentVersion, this.prisma) : null;
  }

  /** Active challenges ordered by slug, keyset-paginated. */
  async list(options: { kind?: ChallengeKindName; take: number; afterSlug?: string }): Promise<ChallengeRecord[]> {
    const rows = await this.prisma.challenge.findMany({
      where: {
        retiredAt: null,
        ...(options.kind ? { kind: options.kind } : {}),
        ...(options.afterSlug ? { slug: { gt: options.afterSlug } } : {}),
      },
      orderBy: { slug: 'asc' },
      take: options.take,
      select: { ...CHALLENGE, versions: { select: { version: true, definition: true } } },
    });
    return rows.map(({ versions, ...challenge }) =>
      toRecord(challenge, challenge.currentVersion, versions.find((v) => v.version === challenge.currentVersion)!.definition),
    );
  }

  private async withVersion(challenge: ChallengeRow, version: number, db: Db): Promise<ChallengeRecord | null> {
    const row = await db.challengeVersion.findUnique({
      where: { challengeId_version: { challengeId: challenge.id, version } },
      select: { definition: true },
    });
    return row ? toRecord(challenge, version, row.definition) : null;
  }
}

type ChallengeRow = Omit<ChallengeRecord, 'version' | 'definition'> & { currentVersion: number };

function toRecord({ currentVersion: _current, ...challenge }: ChallengeRow, version: number, definition: unknown): ChallengeRecord {
  return { ...challenge, version, definition: definition as Record<string, unknown> };
}
