import { randomUUID } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { ArtifactStore, PutArtifactOptions, StoredArtifact } from './artifact-store';
import { ArtifactNotFoundError } from './artifact-store.errors';
import { assertByteLimit, assertSha256Digest, DigestVerifier, MeteredBody, readVerified } from './artifact-streams';

/** A single CopyObject cannot copy more; larger artifacts would need UploadPartCopy. */
export const S3_MAX_COPY_BYTES = 5 * 1024 ** 3;
const DEFAULT_PART_SIZE = 8 * 1024 ** 2;
const DEFAULT_QUEUE_SIZE = 4;

/** How to reach the bucket. Nothing is read from the environment here; the caller passes it all in. */
export interface S3ConnectionOptions {
  /** e.g. `http://127.0.0.1:9000` for MinIO; unset for AWS. */
  endpoint?: string;
  /** Defaults to `us-east-1` (what most S3-compatible servers expect). */
  region?: string;
  /**
   * Static credentials. When unset, the AWS SDK's default provider chain applies (instance or task
   * roles, web identity, the SDK's own AWS_* variables): that lookup belongs to the SDK, not to us.
   */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Path-style URLs (`endpoint/bucket/key`), needed by most self-hosted servers. */
  forcePathStyle?: boolean;
  /**
   * `WHEN_SUPPORTED` (the SDK's default) adds CRC checksums to uploads; `WHEN_REQUIRED` only where
   * S3 demands them — for S3-compatible servers that reject or mis-store checksummed requests.
   * Integrity does not depend on it: every read is checked against the sha256.
   */
  checksums?: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';
}

export interface S3StoreOptions extends S3ConnectionOptions {
  /** Multipart part size (≥ 5 MiB). Memory per upload is about partSize × (queueSize + 1). */
  partSizeBytes?: number;
  /** Parts uploaded concurrently per `put`. */
  queueSize?: number;
  /** Use this client instead of building one from the connection fields; `close()` leaves it open. */
  client?: S3Client;
}

export interface S3Location {
  bucket: string;
  /** Without leading or trailing slashes; may be empty. */
  prefix: string;
}

export function createS3Client(options: S3ConnectionOptions): S3Client {
  const config: S3ClientConfig = {
    region: options.region ?? 'us-east-1',
    forcePathStyle: options.forcePathStyle ?? false,
    requestChecksumCalculation: options.checksums ?? 'WHEN_SUPPORTED',
    responseChecksumValidation: options.checksums ?? 'WHEN_SUPPORTED',
  };
  if (options.endpoint !== undefined) config.endpoint = options.endpoint;
  if (options.credentials !== undefined) config.credentials = options.credentials;
  return new S3Client(config);
}

/**
 * Artifacts in a bucket: `<prefix>/sha256/<aa>/<sha256>`. Uploads stream (multipart beyond one
 * part) to `<prefix>/tmp/<uuid>` while hashing; once the digest is known the object is copied
 * server-side to its final key — which makes it appear complete or not at all — and the temporary
 * key is deleted. Give `<prefix>/tmp/` a lifecycle rule (expire after a day, abort incomplete
 * multipart uploads) for what a crashed process leaves.
 */
export class S3ArtifactStore implements ArtifactStore {
  private readonly client: S3Client;
  private readonly ownsClient: boolean;
  private readonly keyPrefix: string;
  private readonly partSize: number;
  private readonly queueSize: number;

  constructor(
    readonly location: S3Location,
    options: S3StoreOptions = {},
  ) {
    this.client = options.client ?? createS3Client(options);
    this.ownsClient = options.client === undefined;
    this.keyPrefix = location.prefix === '' ? '' : `${location.prefix}/`;
    this.partSize = options.partSizeBytes ?? DEFAULT_PART_SIZE;
    this.queueSize = options.queueSize ?? DEFAULT_QUEUE_SIZE;
  }

  /** The final key of an artifact. */
  keyOf(sha256: string): string {
    assertSha256Digest(sha256);
    return `${this.keyPrefix}sha256/${sha256.slice(0, 2)}/${sha256}`;
  }

  /** Where uploads in progress live (for lifecycle rules and leftover checks). */
  get temporaryPrefix(): string {
    return `${this.keyPrefix}tmp/`;
  }

  async put(body: Readable, options: PutArtifactOptions): Promise<StoredArtifact> {
    assertByteLimit(options.maxBytes);
    if (options.maxBytes > S3_MAX_COPY_BYTES) throw new RangeError(`maxBytes above ${S3_MAX_COPY_BYTES} is not supported by the S3 store`);
    const metered = new MeteredBody(body, options);
    metered.precheck();
    const { bucket } = this.location;
    const temporaryKey = `${this.temporaryPrefix}${randomUUID()}`;
    const source = Readable.from(metered.chunks(), { objectMode: false });
    const upload = new Upload({
      client: this.client,
      params: { Bucket: bucket, Key: temporaryKey, Body: source, ContentType: 'application/octet-stream' },
      partSize: this.partSize,
      queueSize: this.queueSize,
      // lib-storage then sends AbortMultipartUpload itself when a part or the body fails.
      leavePartsOnError: false,
    });
    try {
      await upload.done();
      const stored = metered.result();
      options.signal?.throwIfAborted();
      // A server that kept a different byte count (e.g. stored aws-chunked framing verbatim) must not
      // get its object published under a digest it does not match.
      const kept = await this.headSize(temporaryKey);
      if (kept !== stored.size) throw new Error(`the object store kept ${kept ?? 'no'} bytes of a ${stored.size}-byte upload`);
      const finalKey = this.keyOf(stored.sha256);
      // Same size under the same digest: already stored. Anything else is replaced by the verified upload.
      if ((await this.headSize(finalKey)) !== stored.size) {
        await this.client.send(
          new CopyObjectCommand({
            Bucket: bucket,
            Key: finalKey,
            CopySource: `${encodeURIComponent(bucket)}/${temporaryKey.split('/').map(encodeURIComponent).join('/')}`,
          }),
        );
      }
      await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: temporaryKey }));
      return stored;
    } catch (error) {
      // Ends the body generator (and its abort listener) when the upload failed on its own.
      source.destroy();
      // The temporary object exists only if the whole body went up in one PutObject; deleting a
      // missing key is not an error in S3, and cleanup must not mask the cause.
      await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: temporaryKey })).catch(() => undefined);
      throw metered.failure ? metered.failure.error : error;
    }
  }

  async get(sha256: string): Promise<Readable> {
    const key = this.keyOf(sha256);
    let response;
    try {
      response = await this.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: key }));
    } catch (error) {
      if (isNotFound(error)) throw new ArtifactNotFoundError(sha256);
      throw error;
    }
    const body = response.Body;
    if (!(body instanceof Readable)) throw new Error('the S3 client returned a body that is not a Node.js stream');
    const verifier = new DigestVerifier(sha256, response.ContentLength);
    pipeline(body, verifier, () => {
      // Errors reach the reader through `verifier`; the callback only prevents an unhandled rejection.
    });
    return verifier;
  }

  read(sha256: string, maxBytes: number): Promise<Buffer> {
    return readVerified(this, sha256, maxBytes);
  }

  async exists(sha256: string): Promise<boolean> {
    return (await this.size(sha256)) !== null;
  }

  async size(sha256: string): Promise<number | null> {
    return this.headSize(this.keyOf(sha256));
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
  }

  private async headSize(key: string): Promise<number | null> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.location.bucket, Key: key }));
      return head.ContentLength ?? null;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }
}

function isNotFound(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    error.name !== 'NoSuchBucket' &&
    (error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404)
  );
}
