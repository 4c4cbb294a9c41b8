import { Controller, Get, Header, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HealthService } from './health.service';

@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Liveness: the process is up and its event loop answers. */
  @Get('healthz')
  @Header('Cache-Control', 'no-store')
  liveness(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: 200 when the database is reachable and migrations are current, else 503. */
  @Get('readyz')
  @Header('Cache-Control', 'no-store')
  async readiness(@Res({ passthrough: true }) reply: FastifyReply) {
    const readiness = await this.health.readiness();
    reply.status(readiness.ready ? 200 : 503);
    return {
      status: readiness.ready ? 'ready' : 'not-ready',
      ...readiness.checks,
      ...(readiness.pendingMigrations ? { pendingMigrations: readiness.pendingMigrations } : {}),
    };
  }
}
