import type { Readable } from 'node:stream';

/** What `put` returns: the content address and the exact byte count. */
export interface StoredArtifact {
  /** 64 lowercase hexadecimal characters. */
  sha256: string;
  size: number;
}

export interface PutArtifactOptions {
  /** The body is refused (and nothing is kept) as soon as it exceeds this many bytes. */
  maxBytes: number;
  /**
   * The size the sender announced (e.g. Content-Length), when known. A body that ends before it or
   * runs past it is an `ArtifactBodyError`; one announced above `maxBytes` is refused before reading.
   */
  expectedSize?: number;
  /** Aborting stops the upload, destroys `body`, removes what was written and rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/**
 * Content-addressed storage of learner uploads (models, source archives, reports).
 *
 * Guarantees, for every implementation:
 * - an artifact becomes visible under its digest only when all of its bytes are durably stored
 *   (temporary file/object, then an atomic rename or a server-side copy); a failed, aborted or
 *   oversized `put` leaves nothing behind;
 * - storing bytes that are already present keeps the one existing copy;
 * - every read is verified against the digest while it streams; a mismatch fails the stream with
 *   `ArtifactCorruptedError` instead of ending it, and the final chunk is held back until the
 *   check has passed, so a reader that ignores the error still never receives the complete
 *   corrupted bytes;
 * - a digest is validated (`InvalidDigestError`) before it is used to build any path or key.
 */
export interface ArtifactStore {
  /**
   * Streams `body` into the store while hashing it and returns its digest and size.
   * On `ArtifactTooLargeError` the body is left undestroyed and partly read, so an HTTP handler can
   * still answer 413 before closing the connection.
   */
  put(body: Readable, options: PutArtifactOptions): Promise<StoredArtifact>;
  /** The bytes of `sha256`, verified as they stream. Rejects with `ArtifactNotFoundError` when absent. */
  get(sha256: string): Promise<Readable>;
  /** All bytes of `sha256` in memory, verified; `ArtifactTooLargeError` when it is larger than `maxBytes`. */
  read(sha256: string, maxBytes: number): Promise<Buffer>;
  exists(sha256: string): Promise<boolean>;
  /** The stored size in bytes, or null when absent. */
  size(sha256: string): Promise<number | null>;
  /** Releases connections (S3); the store must not be used afterwards. */
  close(): Promise<void>;
}
