import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';

export interface ScorerRegistration {
  id: string;
  host: string;
  pid: number;
  version: string;
  deviceClasses: string[];
  executionProviders: string[];
  ortVersion: string;
  cpuModel: string;
  gpuModel: string | null;
}

export interface ScorerRecord extends ScorerRegistration {
  startedAt: Date;
  heartbeatAt: Date;
  stoppedAt: Date | null;
}

/** The fleet's register: each scorer process writes its row at start and beats every few seconds. */
@Injectable()
export class ScorerRepository {
  constructor(private readonly prisma: PrismaService) {}

  async register(scorer: ScorerRegistration): Promise<void> {
    await this.prisma.scorer.create({ data: scorer });
  }

  async heartbeat(id: string): Promise<void> {
    await this.prisma.scorer.update({ where: { id }, data: { heartbeatAt: new Date() } });
  }

  async stopped(id: string): Promise<void> {
    await this.prisma.scorer.updateMany({ where: { id, stoppedAt: null }, data: { stoppedAt: new Date() } });
  }

  findById(id: string): Promise<ScorerRecord | null> {
    return this.prisma.scorer.findUnique({ where: { id } });
  }

  /** Scorers that beat since `since` and have not stopped. */
  listAlive(since: Date): Promise<ScorerRecord[]> {
    return this.prisma.scorer.findMany({ where: { heartbeatAt: { gte: since }, stoppedAt: null }, orderBy: { startedAt: 'asc' } });
  }
}
