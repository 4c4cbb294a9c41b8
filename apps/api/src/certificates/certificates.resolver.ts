import { Args, Query, Resolver } from '@nestjs/graphql';
import { CertificateCheck } from './certificate.model';
import { CertificatesService } from './certificates.service';

@Resolver(() => CertificateCheck)
export class CertificatesResolver {
  constructor(private readonly certificates: CertificatesService) {}

  @Query(() => CertificateCheck, {
    description:
      'Checks a result certificate: pass the whole JSON object GET /certificates/:id answered, as a string (at most 64 KiB). No sign-in needed.',
  })
  verifyCertificate(@Args('certificate') certificate: string): Promise<CertificateCheck> {
    return this.certificates.verify(certificate);
  }
}
