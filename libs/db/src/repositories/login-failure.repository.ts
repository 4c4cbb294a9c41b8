import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
import type { Db, DbTransaction } from '../transaction';

@Injectable()
export class LoginFailureRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Serialises login attempts for one email inside `tx`, so the count and the insert cannot race. */
  async lockEmail(email: string, tx: DbTransaction): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('login:' || ${email}))`;
  }

  /** Failures since `since`, and the oldest of them (when the window frees up). */
  async since(email: string, since: Date, db: Db = this.prisma): Promise<{ count: number; oldest: Date | null }> {
    const result = await db.loginFailure.aggregate({ where: { email, at: { gt: since } }, _count: true, _min: { at: true } });
    return { count: result._count, oldest: result._min.at };
  }

  /** Records a failure and forgets this email's failures older than the window. */
  async record(email: string, windowStart: Date, db: Db = this.prisma): Promise<void> {
    await db.loginFailure.create({ data: { email } });
    await db.loginFailure.deleteMany({ where: { email, at: { lte: windowStart } } });
  }
}
