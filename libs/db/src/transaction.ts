import { Injectable } from '@nestjs/common';
import type { Prisma } from './generated/prisma/client';
import { PrismaService } from './prisma.service';

/**
 * An open database transaction, opaque to services: they only pass it from
 * `TransactionRunner.run` to repository methods, so several writes commit or fail together.
 */
export type DbTransaction = Prisma.TransactionClient;

/** Either the client or an open transaction: every repository method accepts both. */
export type Db = PrismaService | DbTransaction;

@Injectable()
export class TransactionRunner {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Runs `work` in one transaction (READ COMMITTED); it commits when `work` resolves, and is rolled
   * back if it runs longer than `timeoutMs` (default 30 s).
   */
  run<T>(work: (tx: DbTransaction) => Promise<T>, options: { timeoutMs?: number } = {}): Promise<T> {
    return this.prisma.$transaction(work, { maxWait: 5_000, timeout: options.timeoutMs ?? 30_000 });
  }
}

/**
 * Lets another library write through an open transaction (pg-boss sends its job INSERT this way,
 * so a submission and its scoring job commit or roll back together).
 */
export function sqlExecutorFor(tx: DbTransaction): { executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> } {
  return { executeSql: async (text, values = []) => ({ rows: await tx.$queryRawUnsafe<unknown[]>(text, ...values) }) };
}
