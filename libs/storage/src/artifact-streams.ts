import { createHash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import type { ArtifactStore, PutArtifactOptions, StoredArtifact } from './artifact-store';
import {
  ArtifactBodyError,
  ArtifactCorruptedError,
  ArtifactNotFoundError,
  ArtifactStoreError,
  ArtifactTooLargeError,
  InvalidDigestError,
} from './artifact-store.errors';

const SHA256_DIGEST = /^[0-9a-f]{64}$/;

/** Throws unless `value` is exactly 64 lowercase hex characters; run before a digest touches a path or key. */
export function assertSha256Digest(value: string): void {
  if (typeof value !== 'string' || !SHA256_DIGEST.test(value)) throw new InvalidDigestError();
}

export function isSha256Digest(value: string): boolean {
  return typeof value === 'string' && SHA256_DIGEST.test(value);
}

export function assertByteLimit(maxBytes: number): void {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new RangeError(`maxBytes must be a non-negative integer, got ${maxBytes}`);
}

/**
 * The body of a `put`, as an async sequence of chunks that hashes and counts while it is consumed.
 *
 * Every failure that is the body's fault is classified here, where its origin is unambiguous:
 * too large, an error or early end of the body, an abort. The backend consuming `chunks` may wrap
 * or replace that error (lib-storage throws its own when its AbortMultipartUpload fails), so
 * the stores rethrow `failure` when it is set.
 */
export class MeteredBody {
  private readonly hash = createHash('sha256');
  private bytesRead = 0;
  private digest: string | undefined;
  private recordedFailure: unknown;
  private failed = false;

  constructor(
    private readonly body: Readable,
    private readonly options: PutArtifactOptions,
  ) {
    assertByteLimit(options.maxBytes);
    if (options.expectedSize !== undefined && (!Number.isSafeInteger(options.expectedSize) || options.expectedSize < 0)) {
      throw new RangeError(`expectedSize must be a non-negative integer, got ${options.expectedSize}`);
    }
  }

  /** Checks that need no byte of the body; lets a store refuse before creating anything. */
  precheck(): void {
    this.run(() => {
      this.options.signal?.throwIfAborted();
      const { expectedSize, maxBytes } = this.options;
      if (expectedSize !== undefined && expectedSize > maxBytes) throw new ArtifactTooLargeError(maxBytes);
    });
  }

  async *chunks(): AsyncGenerator<Buffer, void, undefined> {
    const { body, options } = this;
    const { signal, maxBytes, expectedSize } = options;
    // Destroying the body is the only way to interrupt a pending read.
    // The iteration then fails and `fail` reports `signal.reason`.
    const onAbort = (): void => void body.destroy();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      signal?.throwIfAborted();
      // destroyOnReturn: false — when we stop early (too large) the caller still owns the body.
      for await (const chunk of body.iterator({ destroyOnReturn: false }) as AsyncIterable<unknown>) {
        // ArrayBuffer.isView, not instanceof: a Buffer made by Node's core may come from another realm.
        if (!ArrayBuffer.isView(chunk)) throw new ArtifactBodyError('the upload body produced text or objects instead of bytes');
        if (this.bytesRead + chunk.byteLength > maxBytes) throw new ArtifactTooLargeError(maxBytes);
        if (expectedSize !== undefined && this.bytesRead + chunk.byteLength > expectedSize) {
          throw new ArtifactBodyError(`the upload body is longer than its announced ${expectedSize} bytes`);
        }
        const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        this.hash.update(bytes);
        this.bytesRead += bytes.length;
        yield bytes;
      }
      signal?.throwIfAborted();
      if (expectedSize !== undefined && this.bytesRead !== expectedSize) {
        throw new ArtifactBodyError(`the upload body ended after ${this.bytesRead} of its announced ${expectedSize} bytes`);
      }
      this.digest = this.hash.digest('hex');
    } catch (error) {
      this.fail(error);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** The failure `chunks` ended with, if it was the body's fault (or an abort). */
  get failure(): { error: unknown } | undefined {
    return this.failed ? { error: this.recordedFailure } : undefined;
  }

  /** Digest and size; only once `chunks` has been consumed to its end. */
  result(): StoredArtifact {
    if (this.digest === undefined) throw new Error('the body has not been read to its end');
    return { sha256: this.digest, size: this.bytesRead };
  }

  private run(check: () => void): void {
    try {
      check();
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): never {
    const { signal } = this.options;
    let classified: unknown;
    if (error instanceof ArtifactStoreError) classified = error;
    else if (signal?.aborted) classified = signal.reason;
    else classified = new ArtifactBodyError('the upload body failed before it ended', { cause: error });
    this.failed = true;
    this.recordedFailure = classified;
    throw classified;
  }
}

/**
 * Passes stored bytes through while hashing them; at the end, a digest mismatch fails the stream.
 * The latest chunk is held back until the next one arrives (or the check passes), so the complete
 * corrupted content is never handed out even to a reader that ignores errors.
 */
export class DigestVerifier extends Transform {
  private readonly hash = createHash('sha256');
  private bytesSeen = 0;
  private heldBack: Buffer | undefined;

  constructor(
    private readonly sha256: string,
    /** The size the backend reports; a longer stream is corrupt without waiting for the end. */
    private readonly expectedSize?: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytesSeen += chunk.length;
    if (this.expectedSize !== undefined && this.bytesSeen > this.expectedSize) {
      callback(new ArtifactCorruptedError(this.sha256, `more than the stored ${this.expectedSize} bytes`));
      return;
    }
    const previous = this.heldBack;
    this.heldBack = chunk;
    callback(null, previous);
  }

  override _flush(callback: TransformCallback): void {
    const actual = this.hash.digest('hex');
    if (actual !== this.sha256) {
      callback(new ArtifactCorruptedError(this.sha256, `${this.bytesSeen} bytes hashing to ${actual}`));
      return;
    }
    callback(null, this.heldBack);
  }
}

/** Reads a verified stream into memory, refusing to grow past `maxBytes`. */
export async function readAll(stream: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) throw new ArtifactTooLargeError(maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/**
 * `read` of every store: refuses early by the stored size, then reads the verified stream into
 * memory with the limit enforced again (the size check alone could race a replacement).
 */
export async function readVerified(store: Pick<ArtifactStore, 'size' | 'get'>, sha256: string, maxBytes: number): Promise<Buffer> {
  assertByteLimit(maxBytes);
  const stored = await store.size(sha256);
  if (stored === null) throw new ArtifactNotFoundError(sha256);
  if (stored > maxBytes) throw new ArtifactTooLargeError(maxBytes);
  return readAll(await store.get(sha256), maxBytes);
}
