import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CatalogService } from './catalog.service';

const MEDIA_TYPES: Record<string, string> = {
  '.onnx': 'application/octet-stream',
  '.md': 'text/markdown; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

@Controller('challenges')
export class ChallengeAssetsController {
  constructor(private readonly catalog: CatalogService) {}

  /** A challenge asset; its sha256 is the ETag (If-None-Match answers 304). Public. */
  @Get(':slug/assets/:name')
  async asset(
    @Param('slug') slug: string,
    @Param('name') name: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { bytes, sha256 } = await this.catalog.assetBytes(slug, name);
    const etag = `"${sha256}"`;
    void reply.header('ETag', etag).header('Cache-Control', 'public, max-age=300').header('X-Content-SHA256', sha256);
    if (ifNoneMatch === etag) {
      void reply.status(304).send();
      return;
    }
    const extension = name.slice(name.lastIndexOf('.'));
    void reply
      .header('Content-Type', MEDIA_TYPES[extension] ?? 'application/octet-stream')
      .header('Content-Disposition', `attachment; filename="${name}"`)
      .status(200)
      .send(bytes);
  }
}
