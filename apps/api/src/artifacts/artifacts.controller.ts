import type { Readable } from 'node:stream';
import { Controller, Get, HttpCode, Param, Put, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ArtifactError, ArtifactErrorCode } from '@app/domain';
import { AuthenticationService } from '../auth/authentication.service';
import { ArtifactsService } from './artifacts.service';

/** Bytes travel over plain HTTP; GraphQL mutations refer to them by sha256 (API.md). */
@Controller('artifacts')
export class ArtifactsController {
  constructor(
    private readonly artifacts: ArtifactsService,
    private readonly authentication: AuthenticationService,
  ) {}

  /** `PUT /artifacts`, body = raw bytes (`application/octet-stream`), streamed: `201 {sha256, size}`. */
  @Put()
  @HttpCode(201)
  async upload(@Req() request: FastifyRequest): Promise<{ sha256: string; size: number }> {
    const caller = await this.authentication.callerFor(request.headers.authorization);
    if (!(request.headers['content-type'] ?? '').startsWith('application/octet-stream')) {
      throw new ArtifactError(
        ArtifactErrorCode.UnsupportedMediaType,
        'send the bytes as the request body with Content-Type: application/octet-stream',
      );
    }
    const declared = request.headers['content-length'] === undefined ? undefined : Number(request.headers['content-length']);
    // The client going away aborts the store's write (and its cleanup runs).
    const aborted = new AbortController();
    request.raw.once('close', () => !request.raw.complete && aborted.abort());
    return this.artifacts.upload(caller, request.body as Readable, declared, aborted.signal);
  }

  /** `GET /artifacts/:sha256`: the bytes, verified while they stream, to their uploaders and admins. */
  @Get(':sha256')
  async download(@Req() request: FastifyRequest, @Param('sha256') sha256: string, @Res() reply: FastifyReply): Promise<void> {
    const caller = await this.authentication.callerFor(request.headers.authorization);
    const { stream, size } = await this.artifacts.download(caller, sha256);
    void reply
      .header('Content-Type', 'application/octet-stream')
      .header('Content-Length', String(size))
      .header('ETag', `"${sha256}"`)
      .header('Cache-Control', 'private, max-age=0')
      .send(stream);
  }
}
