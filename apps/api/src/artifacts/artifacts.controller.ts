import { PassThrough, type Readable } from 'node:stream';
import { Controller, Get, HttpCode, Inject, Param, Put, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ArtifactError, ArtifactErrorCode } from '@app/domain';
import { AuthenticationService } from '../auth/authentication.service';
import { ArtifactsService } from './artifacts.service';

/** Bytes travel over plain HTTP; GraphQL mutations refer to them by sha256 (API.md). */
@Controller('artifacts')
export class ArtifactsController {
  constructor(
    private readonly artifacts: ArtifactsService,
    private readonly authentication: AuthenticationService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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
    // So does the deadline, for a body that trickles in. The store reads through a pipe it may
    // destroy, so that the connection itself stays up long enough to answer 408.
    const payload = request.body as Readable;
    const body = payload.pipe(new PassThrough());
    const timeoutMs = this.config.uploadTimeoutMs;
    const deadline = setTimeout(() => {
      payload.unpipe(body);
      aborted.abort(
        new ArtifactError(
          ArtifactErrorCode.UploadTimedOut,
          `the upload body was not complete within ${timeoutMs} ms; nothing was stored, send it again faster`,
          { timeoutMs },
        ),
      );
    }, timeoutMs);
    try {
      return await this.artifacts.upload(caller, body, declared, aborted.signal);
    } finally {
      clearTimeout(deadline);
    }
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
