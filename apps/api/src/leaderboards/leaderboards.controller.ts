import { Controller, Get, Header, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CommonErrorCode, DomainError } from '@app/domain';
import { LeaderboardsService } from './leaderboards.service';

const FILE = /^(challenge|global|team)\.csv$/i;

@Controller('leaderboards')
export class LeaderboardsController {
  constructor(private readonly leaderboards: LeaderboardsService) {}

  /**
   * `GET /leaderboards/:scope.csv?challenge=…&period=WEEK&deviceClass=…`: a board as CSV with a
   * header row (public, like the `leaderboard` query).
   */
  @Get(':file')
  @Header('Cache-Control', 'public, max-age=30')
  async csv(
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('file') file: string,
    @Query('challenge') challenge?: string,
    @Query('period') period?: string,
    @Query('deviceClass') deviceClass?: string,
  ): Promise<string> {
    const scope = FILE.exec(file)?.[1]?.toUpperCase() as 'CHALLENGE' | 'GLOBAL' | 'TEAM' | undefined;
    if (!scope) throw new DomainError(CommonErrorCode.NotFound, 'boards are challenge.csv, global.csv and team.csv');
    const week = period?.toUpperCase();
    if (week !== undefined && week !== 'WEEK' && week !== 'ALL_TIME') {
      throw new DomainError(CommonErrorCode.InvalidInput, 'period is ALL_TIME or WEEK');
    }
    const csv = await this.leaderboards.csv({
      scope,
      challengeSlug: challenge ?? null,
      deviceClass: deviceClass ?? null,
      period: week as 'WEEK' | 'ALL_TIME' | undefined,
    });
    // Set only on success: an error is answered as JSON by the HTTP error filter.
    void reply.header('content-type', 'text/csv; charset=utf-8');
    return csv;
  }
}
