import { Controller, Get, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CommonErrorCode, DomainError } from '@app/domain';
import { PortfolioService } from './portfolio.service';

const FILE = /^(.+)\.svg$/i;

@Controller('badges')
export class BadgesController {
  constructor(private readonly portfolios: PortfolioService) {}

  /**
   * `GET /badges/:certificateId.svg`: the shareable badge of a certificate its learner made public
   * (no sign-in); 404 otherwise. Never cached: a certificate made private again loses its badge at once.
   */
  @Get(':file')
  async badge(@Res({ passthrough: true }) reply: FastifyReply, @Param('file') file: string): Promise<string> {
    void reply.header('Cache-Control', 'no-store').header('X-Content-Type-Options', 'nosniff');
    const id = FILE.exec(file)?.[1];
    if (!id) throw new DomainError(CommonErrorCode.NotFound, 'badges are /badges/<certificateId>.svg');
    const svg = await this.portfolios.badge(id);
    // Set only on success: an error is answered as JSON by the HTTP error filter.
    void reply
      .header('Content-Type', 'image/svg+xml; charset=utf-8')
      // The badge holds no script, and a browser opening it directly may run none either.
      .header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    return svg;
  }
}
