import { Injectable } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';

/** argon2id with OWASP's first recommended setting: 19 MiB, 2 passes, 1 lane (DESIGN.md §6). */
const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

@Injectable()
export class PasswordHasher {
  /** Verifying against this when no account matches keeps the timing of a miss like a hit. */
  private readonly decoy = hash('proving-ground decoy password', OPTIONS);

  hash(password: string): Promise<string> {
    return hash(password, OPTIONS);
  }

  /** Compares `password` with a stored hash, or with the decoy when there is none. */
  async verify(storedHash: string | null, password: string): Promise<boolean> {
    const ok = await verify(storedHash ?? (await this.decoy), password);
    return storedHash !== null && ok;
  }
}
