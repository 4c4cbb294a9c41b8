/**
 * Errors of the artifact store. Each has a stable `code` so the HTTP layer can map it in one
 * exhaustive switch (413, 404, 400, 500…). Messages are safe to show a client: they never contain
 * a path, a bucket, a key or a credential.
 */
export enum ArtifactStoreErrorCode {
  /** The body is larger than the limit the caller set; `limitBytes` says what the limit was. */
  TooLarge = 'ARTIFACT_TOO_LARGE',
  /** No artifact with this digest is stored. */
  NotFound = 'ARTIFACT_NOT_FOUND',
  /** The stored bytes no longer hash to their digest (bit rot, tampering, a broken backend). */
  Corrupted = 'ARTIFACT_CORRUPTED',
  /** The digest is not 64 lowercase hexadecimal characters. */
  InvalidDigest = 'INVALID_DIGEST',
  /** The body stream failed, ended before its announced size, or produced something other than bytes. */
  BodyFailed = 'ARTIFACT_BODY_FAILED',
}

export abstract class ArtifactStoreError extends Error {
  abstract readonly code: ArtifactStoreErrorCode;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ArtifactTooLargeError extends ArtifactStoreError {
  readonly code = ArtifactStoreErrorCode.TooLarge;

  constructor(readonly limitBytes: number) {
    super(`the artifact is larger than the limit of ${limitBytes} bytes`);
  }
}

export class ArtifactNotFoundError extends ArtifactStoreError {
  readonly code = ArtifactStoreErrorCode.NotFound;

  constructor(readonly sha256: string) {
    super(`no artifact with sha256 ${sha256} is stored`);
  }
}

export class ArtifactCorruptedError extends ArtifactStoreError {
  readonly code = ArtifactStoreErrorCode.Corrupted;

  constructor(
    readonly sha256: string,
    /** What the stored bytes hash to (or why they could not be checked); for the logs. */
    readonly detail: string,
  ) {
    super(`the stored bytes of artifact ${sha256} do not match their sha256 (${detail})`);
  }
}

export class InvalidDigestError extends ArtifactStoreError {
  readonly code = ArtifactStoreErrorCode.InvalidDigest;

  constructor() {
    // The offending value is left out on purpose: it is untrusted input and may be anything.
    super('a sha256 digest must be 64 lowercase hexadecimal characters');
  }
}

export class ArtifactBodyError extends ArtifactStoreError {
  readonly code = ArtifactStoreErrorCode.BodyFailed;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

export function isArtifactStoreError(error: unknown): error is ArtifactStoreError {
  return error instanceof ArtifactStoreError;
}
