import { Injectable } from '@nestjs/common';
import type { Role } from '@app/domain';
import { PrismaService } from '../prisma.service';
import type { Db } from '../transaction';

export interface ApiTokenRecord {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface ApiTokenOwner {
  tokenId: string;
  user: { id: string; handle: string; role: Role; membership: { teamId: string } | null };
}

const RECORD = { id: true, userId: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;

@Injectable()
export class ApiTokenRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: { userId: string; name: string; tokenHash: string; prefix: string }, db: Db = this.prisma): Promise<ApiTokenRecord> {
    return db.apiToken.create({ data, select: RECORD });
  }

  /** An active token with the same name (names are unique among a user's active tokens). */
  async activeNameExists(userId: string, name: string, db: Db = this.prisma): Promise<boolean> {
    return (await db.apiToken.count({ where: { userId, name, revokedAt: null } })) > 0;
  }

  findById(id: string): Promise<ApiTokenRecord | null> {
    return this.prisma.apiToken.findUnique({ where: { id }, select: RECORD });
  }

  /** The owner of an active token, by the token's hash; records when it was last used (at most once a minute). */
  async findActiveOwner(tokenHash: string): Promise<ApiTokenOwner | null> {
    const token = await this.prisma.apiToken.findUnique({
      where: { tokenHash },
      select: {
        id: true,
        revokedAt: true,
        lastUsedAt: true,
        user: { select: { id: true, handle: true, role: true, membership: { select: { teamId: true } } } },
      },
    });
    if (!token || token.revokedAt !== null) return null;
    const now = new Date();
    if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > 60_000) {
      await this.prisma.apiToken.update({ where: { id: token.id }, data: { lastUsedAt: now } });
    }
    return { tokenId: token.id, user: token.user };
  }

  /** A user's tokens, newest first, keyset-paginated on (createdAt, id). */
  listForUser(userId: string, take: number, after?: { createdAt: Date; id: string }): Promise<ApiTokenRecord[]> {
    return this.prisma.apiToken.findMany({
      where: {
        userId,
        ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
      select: RECORD,
    });
  }

  /** Revokes a token; returns false when it was already revoked. */
  async revoke(id: string, db: Db = this.prisma): Promise<boolean> {
    return (await db.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } })).count > 0;
  }
}
