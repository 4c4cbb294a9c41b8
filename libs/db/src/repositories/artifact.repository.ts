import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';

export interface ArtifactUploadRecord {
  sha256: string;
  size: number;
  mediaType: string;
  uploadedAt: Date;
}

@Injectable()
export class ArtifactRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Records that `userId` uploaded these bytes (once per user and digest; a repeat keeps the first
   * record). INSERT … ON CONFLICT DO NOTHING (`skipDuplicates`): Prisma's upsert with an empty
   * update reads then inserts, so two uploads of the same bytes at once both tried to insert and
   * one failed with a unique violation (a 500).
   */
  async recordUpload(data: { sha256: string; size: number; mediaType: string; userId: string }): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.artifact.createMany({ data: [{ sha256: data.sha256, size: BigInt(data.size) }], skipDuplicates: true }),
      this.prisma.artifactUpload.createMany({
        data: [{ artifactSha256: data.sha256, userId: data.userId, mediaType: data.mediaType }],
        skipDuplicates: true,
      }),
    ]);
  }

  /** The caller's own upload of these bytes, or null (whether or not someone else uploaded them). */
  async uploadBy(sha256: string, userId: string): Promise<ArtifactUploadRecord | null> {
    const row = await this.prisma.artifactUpload.findUnique({
      where: { artifactSha256_userId: { artifactSha256: sha256, userId } },
      select: { mediaType: true, createdAt: true, artifact: { select: { size: true } } },
    });
    return row ? { sha256, size: Number(row.artifact.size), mediaType: row.mediaType, uploadedAt: row.createdAt } : null;
  }

  /** Any record of these bytes (for admins). */
  async find(sha256: string): Promise<{ sha256: string; size: number } | null> {
    const row = await this.prisma.artifact.findUnique({ where: { sha256 }, select: { size: true } });
    return row ? { sha256, size: Number(row.size) } : null;
  }
}
