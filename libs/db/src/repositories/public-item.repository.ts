import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
import type { Db } from '../transaction';

export type PublicItemKindName = 'CERTIFICATE' | 'REPORT' | 'STREAKS' | 'JOURNAL_ENTRY';

/** What a learner made public on their portfolio: a row per item; no row means private. */
@Injectable()
export class PublicItemRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Makes an item public (idempotent) or private again (removes the row). */
  async set(userId: string, kind: PublicItemKindName, itemId: string, isPublic: boolean, db: Db = this.prisma): Promise<void> {
    if (isPublic) {
      await db.publicItem.upsert({ where: { userId_kind_itemId: { userId, kind, itemId } }, create: { userId, kind, itemId }, update: {} });
    } else {
      await db.publicItem.deleteMany({ where: { userId, kind, itemId } });
    }
  }

  /** The ids of the learner's public items of one kind, the most recently published first. */
  async ids(userId: string, kind: PublicItemKindName, db: Db = this.prisma): Promise<string[]> {
    const rows = await db.publicItem.findMany({
      where: { userId, kind },
      orderBy: [{ createdAt: 'desc' }, { itemId: 'asc' }],
      select: { itemId: true },
    });
    return rows.map((row) => row.itemId);
  }

  /** Whether this item is public now. */
  async isPublic(kind: PublicItemKindName, itemId: string, db: Db = this.prisma): Promise<boolean> {
    return (await db.publicItem.count({ where: { kind, itemId } })) > 0;
  }
}
