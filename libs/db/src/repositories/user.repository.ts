import { Injectable } from '@nestjs/common';
import type { Role } from '@app/domain';
import { PrismaService } from '../prisma.service';
import type { Db } from '../transaction';

export interface UserRecord {
  id: string;
  email: string;
  handle: string;
  role: Role;
  createdAt: Date;
}

export interface UserWithPassword extends UserRecord {
  passwordHash: string;
}

const PUBLIC = { id: true, email: true, handle: true, role: true, createdAt: true } as const;

@Injectable()
export class UserRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Creates a user; returns null when the email or handle is taken (with which one). */
  async create(
    data: { email: string; handle: string; passwordHash: string; role: Role },
    db: Db = this.prisma,
  ): Promise<UserRecord | { taken: 'email' | 'handle' }> {
    const existing = await db.user.findFirst({ where: { OR: [{ email: data.email }, { handle: data.handle }] }, select: { email: true } });
    if (existing) return { taken: existing.email === data.email ? 'email' : 'handle' };
    try {
      return await db.user.create({ data, select: PUBLIC });
    } catch (error) {
      // Lost a race with a concurrent registration of the same email or handle.
      const target = String((error as { meta?: { target?: unknown } }).meta?.target ?? (error as Error).message);
      if ((error as { code?: string }).code === 'P2002') return { taken: target.includes('email') ? 'email' : 'handle' };
      throw error;
    }
  }

  findByEmailWithPassword(email: string, db: Db = this.prisma): Promise<UserWithPassword | null> {
    return db.user.findUnique({ where: { email }, select: { ...PUBLIC, passwordHash: true } });
  }

  findById(id: string, db: Db = this.prisma): Promise<UserRecord | null> {
    return db.user.findUnique({ where: { id }, select: PUBLIC });
  }

  findByHandle(handle: string): Promise<UserRecord | null> {
    return this.prisma.user.findUnique({ where: { handle }, select: PUBLIC });
  }

  /** The learner's time zone (IANA; "UTC" until they choose one), or null for no such user. */
  async timeZoneOf(userId: string, db: Db = this.prisma): Promise<string | null> {
    const row = await db.user.findUnique({ where: { id: userId }, select: { timeZone: true } });
    return row?.timeZone ?? null;
  }

  /** Sets the time zone the learner's days are counted in from now on (entries keep the day they were written on). */
  async setTimeZone(userId: string, timeZone: string, db: Db = this.prisma): Promise<void> {
    await db.user.update({ where: { id: userId }, data: { timeZone }, select: { id: true } });
  }

  setRole(id: string, role: Role, db: Db = this.prisma): Promise<UserRecord> {
    return db.user.update({ where: { id }, data: { role }, select: PUBLIC });
  }

  countAdmins(db: Db = this.prisma): Promise<number> {
    return db.user.count({ where: { role: 'ADMIN' } });
  }

  /** Serialises role changes, so two admins demoting each other cannot leave no admin. */
  async lockRoles(db: Db): Promise<void> {
    await db.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('user-roles'))`;
  }
}
