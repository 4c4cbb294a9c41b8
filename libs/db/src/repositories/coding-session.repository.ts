import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma.service';
import type { EditBatch, EditEvent } from '@app/domain';
import type { Db } from '../transaction';

export interface CodingSessionRecord {
  id: string;
  attemptId: string;
  userId: string;
  challengeId: string;
  startedAt: Date;
  deadline: Date;
  createdAt: Date;
}

/** A stored edit batch, as libs/domain's replay reads it (`events` is EditEvent[]). */
export interface EditBatchRecord {
  seq: number;
  events: unknown;
  eventCount: number;
  receivedAt: number;
}

const SESSION = { id: true, attemptId: true, userId: true, challengeId: true, startedAt: true, deadline: true, createdAt: true } as const;
const BATCH = { seq: true, events: true, eventCount: true, receivedAt: true } as const;

@Injectable()
export class CodingSessionRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Serializes session starts on one attempt until `tx` ends (so two starts cannot open two sessions). */
  async lockAttempt(attemptId: string, tx: Db): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('coding-session:' || ${attemptId}))`;
  }

  /** The attempt's most recently started session, open or not. */
  latestOfAttempt(attemptId: string, db: Db = this.prisma): Promise<CodingSessionRecord | null> {
    return db.codingSession.findFirst({ where: { attemptId }, orderBy: { startedAt: 'desc' }, select: SESSION });
  }

  create(
    data: { attemptId: string; userId: string; challengeId: string; startedAt: Date; deadline: Date },
    db: Db = this.prisma,
  ): Promise<CodingSessionRecord> {
    return db.codingSession.create({ data, select: SESSION });
  }

  findById(id: string): Promise<CodingSessionRecord | null> {
    return this.prisma.codingSession.findUnique({ where: { id }, select: SESSION });
  }

  /** The batch stored under this seq, if any. */
  findBatch(sessionId: string, seq: number): Promise<EditBatchRecord | null> {
    return this.prisma.editBatch.findUnique({ where: { sessionId_seq: { sessionId, seq } }, select: BATCH });
  }

  /**
   * Stores a batch once, within the session's log budget: the batch's bytes are reserved on the
   * session (only while the log stays at most `maxLogBytes`) and the batch inserted in one
   * transaction. @returns 'duplicate' when a batch with this seq is already there (a concurrent
   * resend won; nothing written), 'log-full' when it would not fit (nothing written).
   */
  async insertBatch(
    data: { sessionId: string; seq: number; events: unknown[]; receivedAt: number },
    maxLogBytes: number,
  ): Promise<'inserted' | 'duplicate' | 'log-full'> {
    const bytes = Buffer.byteLength(JSON.stringify(data.events), 'utf8');
    return this.prisma.$transaction(async (tx) => {
      const reserved = await tx.codingSession.updateMany({
        where: { id: data.sessionId, logBytes: { lte: maxLogBytes - bytes } },
        data: { logBytes: { increment: bytes } },
      });
      if (reserved.count === 0) return 'log-full';
      const { count } = await tx.editBatch.createMany({
        data: [{ ...data, events: data.events as Prisma.InputJsonValue, eventCount: data.events.length }],
        skipDuplicates: true,
      });
      if (count === 1) return 'inserted';
      await tx.codingSession.update({ where: { id: data.sessionId }, data: { logBytes: { decrement: bytes } } });
      return 'duplicate';
    });
  }

  /** The seqs stored for a session, ascending. */
  async storedSeqs(sessionId: string): Promise<number[]> {
    const rows = await this.prisma.editBatch.findMany({ where: { sessionId }, select: { seq: true }, orderBy: { seq: 'asc' } });
    return rows.map((row) => row.seq);
  }

  /**
   * A session's edit log, batch by batch in seq order; with `receivedUpToMs`, only the batches the
   * server received by then (ms since the session started).
   */
  async editLog(sessionId: string, receivedUpToMs?: number): Promise<EditBatch[]> {
    const rows = await this.prisma.editBatch.findMany({
      where: { sessionId, ...(receivedUpToMs === undefined ? {} : { receivedAt: { lte: receivedUpToMs } }) },
      select: { seq: true, events: true, receivedAt: true },
      orderBy: { seq: 'asc' },
    });
    return rows.map((row) => ({ seq: row.seq, events: row.events as unknown as EditEvent[], receivedAt: row.receivedAt }));
  }
}
