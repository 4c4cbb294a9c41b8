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
}
