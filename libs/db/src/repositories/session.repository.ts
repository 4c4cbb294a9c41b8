import { Injectable } from '@nestjs/common';
import type { Role } from '@app/domain';
import { PrismaService } from '../prisma.service';
import type { Db } from '../transaction';

export interface SessionWithUser {
  id: string;
  revokedAt: Date | null;
  expiresAt: Date;
  user: { id: string; handle: string; role: Role; membership: { teamId: string } | null };
}

export type RefreshOutcome =
  { kind: 'rotated'; sessionId: string; userId: string } | { kind: 'reused'; sessionId: string; userId: string } | { kind: 'invalid' };

@Injectable()
export class SessionRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** A new session with its first refresh token (stored as a hash). */
  async create(userId: string, refreshTokenHash: string, expiresAt: Date, db: Db = this.prisma): Promise<{ id: string }> {
    return db.session.create({
      data: { userId, expiresAt, refreshTokens: { create: { tokenHash: refreshTokenHash, expiresAt } } },
      select: { id: true },
    });
  }

  /** The session behind an access token, with what authorization needs of its user. */
  findWithUser(id: string): Promise<SessionWithUser | null> {
    return this.prisma.session.findUnique({
      where: { id },
      select: {
        id: true,
        revokedAt: true,
        expiresAt: true,
        user: { select: { id: true, handle: true, role: true, membership: { select: { teamId: true } } } },
      },
    });
  }

  /**
   * Uses a refresh token once: marks it used and adds its successor to the same session, in
   * one transaction. A token already used (a replay: stolen or raced) is reported as `reused`;
   * the conditional UPDATE makes two concurrent uses of one token yield one `rotated` and one
   * `reused`.
   */
  async rotate(tokenHash: string, successorHash: string, now: Date, db: Db): Promise<RefreshOutcome> {
    const token = await db.refreshToken.findUnique({
      where: { tokenHash },
      select: {
        id: true,
        expiresAt: true,
        usedAt: true,
        session: { select: { id: true, userId: true, revokedAt: true, expiresAt: true } },
      },
    });
    if (!token) return { kind: 'invalid' };
    const { session } = token;
    if (token.usedAt !== null) return { kind: 'reused', sessionId: session.id, userId: session.userId };
    if (session.revokedAt !== null || token.expiresAt <= now || session.expiresAt <= now) return { kind: 'invalid' };
    const claimed = await db.refreshToken.updateMany({ where: { id: token.id, usedAt: null }, data: { usedAt: now } });
    if (claimed.count === 0) return { kind: 'reused', sessionId: session.id, userId: session.userId };
    await db.refreshToken.create({ data: { sessionId: session.id, tokenHash: successorHash, expiresAt: session.expiresAt } });
    return { kind: 'rotated', sessionId: session.id, userId: session.userId };
  }

  /** Ends one session; returns false when it was already ended. */
  async revoke(id: string, reason: string, db: Db = this.prisma): Promise<boolean> {
    const result = await db.session.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date(), revokedReason: reason } });
    return result.count > 0;
  }

  /** Ends every open session of a user; returns how many. */
  async revokeAllOfUser(userId: string, reason: string, db: Db = this.prisma): Promise<number> {
    const result = await db.session.updateMany({
      where: { userId, revokedAt: null },
      data: { revokedAt: new Date(), revokedReason: reason },
    });
    return result.count;
  }
}
