import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';

@Injectable()
export class SigningKeyRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * The key for `purpose`, created from `generate()` on first use. Every replica gets the same
   * key: the first insert wins (ON CONFLICT DO NOTHING) and everyone reads that row.
   */
  async getOrCreate(purpose: string, generate: () => string): Promise<string> {
    await this.prisma
      .$executeRaw`INSERT INTO "SigningKey" (purpose, secret) VALUES (${purpose}, ${generate()}) ON CONFLICT (purpose) DO NOTHING`;
    const row = await this.prisma.signingKey.findUniqueOrThrow({ where: { purpose }, select: { secret: true } });
    return row.secret;
  }
}
