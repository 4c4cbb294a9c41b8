import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
import type { Db } from '../transaction';

export interface JournalEntryRecord {
  id: string;
  userId: string;
  tried: string;
  failed: string | null;
  learned: string;
  minutes: number;
  links: string[];
  /** YYYY-MM-DD: the learner's day when it was written. */
  localDate: string;
  timeZone: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface JournalEntryData {
  tried: string;
  failed: string | null;
  learned: string;
  minutes: number;
  links: string[];
}

type Row = Omit<JournalEntryRecord, 'localDate'> & { localDate: Date };

const toRecord = ({ localDate, ...row }: Row): JournalEntryRecord => ({ ...row, localDate: localDate.toISOString().slice(0, 10) });

/** Learning journal entries (docs/progress.md). */
@Injectable()
export class JournalRepository {
  constructor(private readonly prisma: PrismaService) {}

  async add(
    userId: string,
    data: JournalEntryData,
    at: Date,
    localDate: string,
    timeZone: string,
    db: Db = this.prisma,
  ): Promise<JournalEntryRecord> {
    const row = await db.journalEntry.create({
      data: { userId, ...data, localDate: new Date(`${localDate}T00:00:00Z`), timeZone, createdAt: at, updatedAt: at },
    });
    return toRecord(row);
  }

  async findById(id: string, db: Db = this.prisma): Promise<JournalEntryRecord | null> {
    const row = await db.journalEntry.findUnique({ where: { id } });
    return row ? toRecord(row) : null;
  }

  /**
   * Rewrites an entry's text while it is editable: only if it was written at or after
   * `writtenSince` (conditional, so an edit racing the end of the window cannot slip in).
   * @returns the entry, or null when it is no longer editable
   */
  async update(id: string, data: JournalEntryData, at: Date, writtenSince: Date, db: Db = this.prisma): Promise<JournalEntryRecord | null> {
    const rows = await db.journalEntry.updateManyAndReturn({
      where: { id, createdAt: { gte: writtenSince } },
      data: { ...data, updatedAt: at },
    });
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** The learner's entries, newest first, after a cursor (createdAt, id). */
  async page(
    userId: string,
    take: number,
    after?: { createdAt: Date; id: string },
    ids?: readonly string[],
  ): Promise<JournalEntryRecord[]> {
    const rows = await this.prisma.journalEntry.findMany({
      where: {
        userId,
        ...(ids ? { id: { in: [...ids] } } : {}),
        ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
    });
    return rows.map(toRecord);
  }

  /** The distinct days (YYYY-MM-DD) the learner wrote an entry on, in the time zones they wrote them in. */
  async localDates(userId: string, db: Db = this.prisma): Promise<string[]> {
    const rows = await db.journalEntry.findMany({
      where: { userId },
      select: { localDate: true },
      distinct: ['localDate'],
      orderBy: { localDate: 'asc' },
    });
    return rows.map((row) => row.localDate.toISOString().slice(0, 10));
  }
}
