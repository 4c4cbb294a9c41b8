import { DomainError } from '../errors/domain-error';

export enum CertificateErrorCode {
  /** `verifyCertificate`'s argument is over the size it reads; `details.bytes`, `details.limitBytes`. */
  TooLarge = 'CERTIFICATE_TOO_LARGE',
}

export class CertificateError extends DomainError<CertificateErrorCode> {}
