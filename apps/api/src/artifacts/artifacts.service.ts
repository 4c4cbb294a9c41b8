import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { ArtifactRepository } from '@app/db';
import { ARTIFACT_MAX_BYTES, ArtifactError, ArtifactErrorCode, CommonErrorCode, DomainError, Operation, SHA256_PATTERN } from '@app/domain';
import { ARTIFACT_STORE, ArtifactStoreErrorCode, isArtifactStoreError, type ArtifactStore } from '@app/storage';
import { AuthorizationService } from '../authorization/authorization.service';
import type { Caller } from '../authorization/caller';

@Injectable()
export class ArtifactsService {
  constructor(
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    private readonly artifacts: ArtifactRepository,
    private readonly authorization: AuthorizationService,
  ) {}

  /**
   * Stores an upload (streamed, hashed on the way, nothing left behind on failure) and records
   * the caller as one of its uploaders. @throws UNAUTHENTICATED, ARTIFACT_TOO_LARGE, ARTIFACT_BODY_INCOMPLETE, UPLOAD_TIMED_OUT (the reason `signal` was aborted with)
   */
  async upload(
    caller: Caller,
    body: Readable,
    declaredLength: number | undefined,
    signal: AbortSignal,
  ): Promise<{ sha256: string; size: number }> {
    const actor = this.authorization.authorize(caller, Operation.UploadArtifact);
    if (declaredLength !== undefined && declaredLength > ARTIFACT_MAX_BYTES) throw tooLarge();
    let stored: { sha256: string; size: number };
    try {
      stored = await this.store.put(body, { maxBytes: ARTIFACT_MAX_BYTES, expectedSize: declaredLength, signal });
    } catch (error) {
      // A refusal the caller aborted with (the upload deadline) is the answer itself.
      if (signal.aborted && signal.reason instanceof ArtifactError) throw signal.reason;
      if (isArtifactStoreError(error) && error.code === ArtifactStoreErrorCode.TooLarge) throw tooLarge();
      if ((isArtifactStoreError(error) && error.code === ArtifactStoreErrorCode.BodyFailed) || signal.aborted) {
        throw new ArtifactError(
          ArtifactErrorCode.BodyIncomplete,
          'the upload ended before its body was complete; nothing was stored, send it again',
        );
      }
      throw error;
    }
    await this.artifacts.recordUpload({ ...stored, mediaType: 'application/octet-stream', userId: actor.userId });
    return stored;
  }

  /**
   * The bytes, verified against their hash while they stream, to their uploaders and admins.
   * Anyone else gets NOT_FOUND, whether or not the bytes exist. @throws UNAUTHENTICATED, NOT_FOUND, INVALID_DIGEST
   */
  async download(caller: Caller, sha256: string): Promise<{ stream: Readable; size: number }> {
    const actor = this.authorization.signedIn(caller);
    if (!SHA256_PATTERN.test(sha256))
      throw new ArtifactError(ArtifactErrorCode.InvalidDigest, 'an artifact is named by its sha256: 64 lower-case hex characters');
    // Owners are the uploaders: a user who did not upload these bytes learns nothing, not even that they exist.
    const own = await this.artifacts.uploadBy(sha256, actor.userId);
    const record = own ?? (actor.role === 'ADMIN' ? await this.artifacts.find(sha256) : null);
    if (!record) throw notFound(sha256);
    this.authorization.authorize(caller, Operation.ReadArtifact, { userId: own ? actor.userId : undefined });
    try {
      return { stream: await this.store.get(sha256), size: record.size };
    } catch (error) {
      if (isArtifactStoreError(error) && error.code === ArtifactStoreErrorCode.NotFound) throw notFound(sha256);
      if (isArtifactStoreError(error) && error.code === ArtifactStoreErrorCode.Corrupted) {
        throw new ArtifactError(ArtifactErrorCode.Corrupted, 'the stored bytes no longer match their hash; they are not served');
      }
      throw error;
    }
  }
}

function tooLarge(): ArtifactError {
  return new ArtifactError(ArtifactErrorCode.TooLarge, `uploads are at most ${ARTIFACT_MAX_BYTES} bytes (256 MiB)`, {
    limitBytes: ARTIFACT_MAX_BYTES,
  });
}

function notFound(sha256: string): DomainError {
  return new DomainError(CommonErrorCode.NotFound, `no artifact ${sha256} of yours`);
}
