import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthenticationService } from '../auth/authentication.service';
import { renderBenchmarkReport } from './benchmark-report';
import { SubmissionReportService } from './submission-report.service';

@Controller('submissions')
export class SubmissionReportController {
  constructor(
    private readonly reports: SubmissionReportService,
    private readonly authentication: AuthenticationService,
  ) {}

  /** `GET /submissions/:id/report.svg`: latency distributions and the speedup with its interval, to whoever may see the submission. */
  @Get(':id/report.svg')
  async benchmark(@Req() request: FastifyRequest, @Param('id') id: string, @Res() reply: FastifyReply): Promise<void> {
    const caller = await this.authentication.callerFor(request.headers.authorization);
    const svg = renderBenchmarkReport(await this.reports.benchmark(caller, id));
    void reply
      .header('Content-Type', 'image/svg+xml; charset=utf-8')
      // The picture holds no script, and a browser opening it directly may run none either.
      .header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
      .header('X-Content-Type-Options', 'nosniff')
      .header('Cache-Control', 'private, max-age=0')
      .send(svg);
  }
}
