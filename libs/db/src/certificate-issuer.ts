import { randomUUID, createPrivateKey, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { buildCertificate, CERTIFICATE_KEY_PURPOSE, generateCertificateKeyPair, signCertificateText } from '@app/domain';
import { CertificateRepository } from './repositories/certificate.repository';
import { SigningKeyRepository } from './repositories/signing-key.repository';
import type { DbTransaction } from './transaction';

/**
 * Issues result certificates inside the scorer's result transaction: reads the result and what
 * surrounds it, signs its canonical text with the platform's ed25519 key (created on first use,
 * shared by every process through the database) and writes the Certificate row. The private key
 * is read from the database and kept in this process's memory only.
 */
@Injectable()
export class CertificateIssuer {
  /** Parsed private keys by keyId (a key's row never changes; rotation adds a new keyId). */
  private readonly privateKeys = new Map<string, KeyObject>();

  constructor(
    private readonly certificates: CertificateRepository,
    private readonly keys: SigningKeyRepository,
  ) {}

  /**
   * Signs and stores the certificate of result `resultId`, in `tx` (call it right after writing
   * the Result row, in the same transaction). Idempotent: a result that already has one gets it back.
   * @returns the certificate's id. @throws Error when there is no such result (in `tx`).
   */
  async issue(resultId: string, tx: DbTransaction): Promise<{ id: string }> {
    const existing = await this.certificates.findByResult(resultId, tx);
    if (existing) return { id: existing.id };
    const result = await this.certificates.resultToCertify(resultId, tx);
    if (!result) throw new Error(`no result ${resultId} to certify`);
    const key = await this.keys.getOrCreateKeyPair(CERTIFICATE_KEY_PURPOSE, generateCertificateKeyPair, tx);
    const { payload, canonical } = buildCertificate({
      id: randomUUID(),
      keyId: key.keyId,
      challenge: result.challenge,
      learnerHandle: result.learnerHandle,
      submissionId: result.submissionId,
      modelSha256: result.modelSha256,
      sourceSha256: result.sourceSha256,
      verdict: result.verdict,
      points: result.points,
      metrics: result.metrics,
      environment: result.environment,
      flags: result.flags,
      issuedAt: new Date(),
    });
    const signature = signCertificateText(canonical, this.privateKey(key.keyId, key.privateKeyPem));
    await this.certificates.create({ id: payload.id, resultId, payload, canonical, signature, keyId: key.keyId }, tx);
    return { id: payload.id };
  }

  /** `issue` for the result of submission `submissionId`. @throws Error when it has no result (in `tx`). */
  async issueForSubmission(submissionId: string, tx: DbTransaction): Promise<{ id: string }> {
    const resultId = await this.certificates.resultIdOfSubmission(submissionId, tx);
    if (!resultId) throw new Error(`submission ${submissionId} has no result to certify`);
    return this.issue(resultId, tx);
  }

  private privateKey(keyId: string, pem: string): KeyObject {
    let key = this.privateKeys.get(keyId);
    if (!key) {
      key = createPrivateKey(pem);
      this.privateKeys.set(keyId, key);
    }
    return key;
  }
}
