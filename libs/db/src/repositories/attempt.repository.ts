import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
import type { Db } from '../transaction';

export interface AttemptRecord {
  id: string;
  userId: string;
  challengeId: string;
  challengeVersion: number;
  createdAt: Date;
}

const ATTEMPT = { id: true, userId: true, challengeId: true, challengeVersion: true, createdAt: true } as const;

@Injectable()
export class AttemptRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * The learner's attempt on this version of the challenge, created with `secretSeed` when there
   * is none (one attempt per learner and version; concurrent calls get the same row).
   */
  async findOrCreate(
    data: { userId: string; challengeId: string; challengeVersion: number; secretSeed: string },
    db: Db = this.prisma,
  ): Promise<AttemptRecord> {
    const where = {
      userId_challengeId_challengeVersion: { userId: data.userId, challengeId: data.challengeId, challengeVersion: data.challengeVersion },
    };
    try {
      return await db.attempt.upsert({ where, create: data, update: {}, select: ATTEMPT });
    } catch (error) {
      // Prisma's upsert is a read then an insert: a concurrent call can win the insert. Its row is the answer.
      if ((error as { code?: unknown }).code !== 'P2002') throw error;
      return db.attempt.findUniqueOrThrow({ where, select: ATTEMPT });
    }
  }

  findById(id: string): Promise<AttemptRecord | null> {
    return this.prisma.attempt.findUnique({ where: { id }, select: ATTEMPT });
  }
}
