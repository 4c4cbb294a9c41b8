import { Injectable } from '@nestjs/common';
import { CertificateRepository, SigningKeyRepository } from '@app/db';
import {
  CERTIFICATE_ALGORITHM,
  CERTIFICATE_KEY_PURPOSE,
  CommonErrorCode,
  DomainError,
  judgeCertificate,
  parseCertificateDocument,
  type CertificateCheck,
  type CertificateDocument,
  isUuid,
} from '@app/domain';

/** Result certificates are public: anyone may fetch one and ask whether it is valid. */
@Injectable()
export class CertificatesService {
  /** Public keys by keyId: a key's row never changes (rotation adds a keyId), so found keys are kept. */
  private readonly publicKeys = new Map<string, { keyId: string; publicKeyPem: string }>();

  constructor(
    private readonly certificates: CertificateRepository,
    private readonly signingKeys: SigningKeyRepository,
  ) {}

  /** The certificate `id` as issued, with its signature and the key to check it. @throws NOT_FOUND */
  async document(id: string): Promise<CertificateDocument> {
    const certificate = isUuid(id) ? await this.certificates.findById(id.toLowerCase()) : null;
    const key = certificate && (await this.publicKey(certificate.keyId));
    if (!certificate || !key) throw new DomainError(CommonErrorCode.NotFound, `no certificate ${id}`);
    return {
      certificate: certificate.canonical,
      signature: certificate.signature,
      keyId: certificate.keyId,
      algorithm: CERTIFICATE_ALGORITHM,
      publicKey: key.publicKeyPem,
    };
  }

  /** The platform's certificate keys, current and retired, for verifiers that check offline. */
  async keys(): Promise<{
    keys: Array<{ keyId: string; algorithm: typeof CERTIFICATE_ALGORITHM; publicKey: string; current: boolean; createdAt: string }>;
  }> {
    const keys = await this.signingKeys.publicKeys(CERTIFICATE_KEY_PURPOSE);
    return {
      keys: keys.map((key) => ({
        keyId: key.keyId,
        algorithm: CERTIFICATE_ALGORITHM,
        publicKey: key.publicKeyPem,
        current: key.current,
        createdAt: key.createdAt.toISOString(),
      })),
    };
  }

  /**
   * Checks a certificate document (the JSON `GET /certificates/:id` answered, as a string): the
   * signature against this platform's key with its keyId, then that the certificate was issued
   * here with exactly this text and is not revoked. @throws BAD_USER_INPUT CERTIFICATE_TOO_LARGE
   */
  async verify(input: string): Promise<CertificateCheck> {
    const parsed = parseCertificateDocument(input);
    if ('check' in parsed) return parsed.check;
    const { document } = parsed;
    const [key, stored] = await Promise.all([
      this.publicKey(document.keyId),
      document.claimedId ? this.certificates.findById(document.claimedId) : null,
    ]);
    return judgeCertificate(document, key, stored);
  }

  private async publicKey(keyId: string): Promise<{ keyId: string; publicKeyPem: string } | null> {
    const known = this.publicKeys.get(keyId);
    if (known) return known;
    const found = await this.signingKeys.publicKeyById(keyId);
    if (found) this.publicKeys.set(keyId, found);
    return found;
  }
}
