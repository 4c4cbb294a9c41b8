import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
import type { Db } from '../transaction';

/** A key pair as stored: the private key never leaves libs/db and the process that signs. */
export interface KeyPairRecord {
  keyId: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

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

  /**
   * The key pair for `purpose`, created from `generate()` on first use, in `db` (a scorer's result
   * transaction). Race-safe like `getOrCreate`: a concurrent first insert makes this one wait for
   * it to commit, then do nothing and read the winner's row (READ COMMITTED reads it in the next
   * statement); if the winner rolls back, this insert goes ahead.
   */
  async getOrCreateKeyPair(purpose: string, generate: () => KeyPairRecord, db: Db = this.prisma): Promise<KeyPairRecord> {
    const existing = await this.keyPair(purpose, db);
    if (existing) return existing;
    const { keyId, privateKeyPem, publicKeyPem } = generate();
    await db.$executeRaw`INSERT INTO "SigningKey" (purpose, secret, "publicKey", "keyId") VALUES (${purpose}, ${privateKeyPem}, ${publicKeyPem}, ${keyId}) ON CONFLICT DO NOTHING`;
    const created = await this.keyPair(purpose, db);
    if (!created) throw new Error(`signing key ${purpose} could not be created`);
    return created;
  }

  /** The public key (SPKI PEM) with `keyId`, current or retired, or null. */
  async publicKeyById(keyId: string): Promise<{ keyId: string; publicKeyPem: string } | null> {
    const row = await this.prisma.signingKey.findUnique({ where: { keyId }, select: { publicKey: true } });
    return row?.publicKey ? { keyId, publicKeyPem: row.publicKey } : null;
  }

  /** Every public key of `purpose`, current and retired, oldest first. */
  async publicKeys(purpose: string): Promise<Array<{ keyId: string; publicKeyPem: string; current: boolean; createdAt: Date }>> {
    const rows = await this.prisma.signingKey.findMany({
      where: { OR: [{ purpose }, { purpose: { startsWith: `${purpose}@retired-` } }], keyId: { not: null }, publicKey: { not: null } },
      orderBy: { createdAt: 'asc' },
      select: { purpose: true, keyId: true, publicKey: true, createdAt: true },
    });
    return rows.map((row) => ({
      keyId: row.keyId!,
      publicKeyPem: row.publicKey!,
      current: row.purpose === purpose,
      createdAt: row.createdAt,
    }));
  }

  /**
   * Retires the key pair of `purpose`: it stays, as `<purpose>@retired-<keyId>`, so what it signed
   * still verifies, and the next signature creates a new key. @returns the retired keyId, or null.
   */
  async retireKeyPair(purpose: string): Promise<string | null> {
    const rows = await this.prisma.$queryRaw<Array<{ keyId: string }>>`
      UPDATE "SigningKey" SET purpose = purpose || '@retired-' || "keyId"
      WHERE purpose = ${purpose} AND "keyId" IS NOT NULL
      RETURNING "keyId"`;
    return rows[0]?.keyId ?? null;
  }

  private async keyPair(purpose: string, db: Db): Promise<KeyPairRecord | null> {
    const row = await db.signingKey.findUnique({ where: { purpose }, select: { secret: true, publicKey: true, keyId: true } });
    if (!row) return null;
    if (!row.publicKey || !row.keyId) throw new Error(`signing key ${purpose} is not a key pair`);
    return { keyId: row.keyId, privateKeyPem: row.secret, publicKeyPem: row.publicKey };
  }
}
