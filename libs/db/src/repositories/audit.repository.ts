import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
import type { Db } from '../transaction';

export interface AuditEntry {
  actorId: string | null;
  /** Dotted verb, e.g. `user.registered`, `team.member-removed`. */
  action: string;
  objectType: string;
  objectId: string;
  details?: Record<string, string | number | boolean | null>;
}

export interface AuditEventRecord extends Required<AuditEntry> {
  id: string;
  createdAt: Date;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Records one state change; pass the transaction that makes the change. */
  async record(entry: AuditEntry, db: Db = this.prisma): Promise<void> {
    await db.auditEvent.create({ data: { ...entry, details: entry.details ?? {} } });
  }

  /** The newest events about one object, newest first. */
  async listForObject(objectType: string, objectId: string, take = 50): Promise<AuditEventRecord[]> {
    const rows = await this.prisma.auditEvent.findMany({ where: { objectType, objectId }, orderBy: { createdAt: 'desc' }, take });
    return rows.map((row) => ({ ...row, id: row.id.toString(), details: row.details as AuditEventRecord['details'] }));
  }
}
