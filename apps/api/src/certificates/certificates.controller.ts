import { Controller, Get, Header, Param } from '@nestjs/common';
import type { CertificateDocument } from '@app/domain';
import { CertificatesService } from './certificates.service';

@Controller('certificates')
export class CertificatesController {
  constructor(private readonly certificates: CertificatesService) {}

  /** `GET /certificates/keys`: every certificate key, current and retired, to pin for offline checks. Public. */
  @Get('keys')
  @Header('Cache-Control', 'public, max-age=300')
  keys(): ReturnType<CertificatesService['keys']> {
    return this.certificates.keys();
  }

  /**
   * `GET /certificates/:id`: `{certificate, signature, keyId, algorithm, publicKey}`, public
   * (anyone may verify). What was issued never changes; whether it is revoked is
   * `verifyCertificate`'s answer, not this document's.
   */
  @Get(':id')
  @Header('Cache-Control', 'public, max-age=300')
  document(@Param('id') id: string): Promise<CertificateDocument> {
    return this.certificates.document(id);
  }
}
