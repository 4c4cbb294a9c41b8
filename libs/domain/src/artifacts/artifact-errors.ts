import { DomainError } from '../errors/domain-error';

export enum ArtifactErrorCode {
  /** The body is larger than the upload limit; `details.limitBytes`. */
  TooLarge = 'ARTIFACT_TOO_LARGE',
  /** The body ended early or broke off: nothing was stored. */
  BodyIncomplete = 'ARTIFACT_BODY_INCOMPLETE',
  /** The body was not complete by the upload deadline (a slow drip): nothing was stored; `details.timeoutMs`. */
  UploadTimedOut = 'UPLOAD_TIMED_OUT',
  /** Not a sha256 (64 lower-case hex characters). */
  InvalidDigest = 'INVALID_DIGEST',
  /** Uploads are raw bytes: `Content-Type: application/octet-stream`. */
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  /** The stored bytes no longer match their hash: nothing is served. */
  Corrupted = 'ARTIFACT_CORRUPTED',
}

export class ArtifactError extends DomainError<ArtifactErrorCode> {}

/** Uploads are at most 256 MiB (DESIGN.md §6). */
export const ARTIFACT_MAX_BYTES = 256 * 1024 * 1024;
export const SHA256_PATTERN = /^[0-9a-f]{64}$/;
