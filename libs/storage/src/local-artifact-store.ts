import { randomUUID } from 'node:crypto';
import { mkdir, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import type { ArtifactStore, PutArtifactOptions, StoredArtifact } from './artifact-store';
import { ArtifactNotFoundError } from './artifact-store.errors';
import { assertSha256Digest, DigestVerifier, MeteredBody, readVerified } from './artifact-streams';

/** Temporary files live inside the root so that the final rename never crosses a filesystem. */
export const LOCAL_TEMPORARY_FOLDER = 'tmp';

/**
 * Artifacts in a folder: `<root>/<aa>/<bb>/<sha256>`, where aa and bb are the digest's first two
 * byte pairs (two levels keep every folder small: 65,536 leaves). Uploads go to
 * `<root>/tmp/<uuid>.part`, are fsynced, then renamed into place.
 */
export class LocalArtifactStore implements ArtifactStore {
  private readonly temporaryFolder: string;

  constructor(readonly root: string) {
    this.temporaryFolder = join(root, LOCAL_TEMPORARY_FOLDER);
  }

  /** Where the artifact lives; `sha256` must already be validated. */
  pathOf(sha256: string): string {
    assertSha256Digest(sha256);
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(body: Readable, options: PutArtifactOptions): Promise<StoredArtifact> {
    const metered = new MeteredBody(body, options);
    metered.precheck();
    // Every time, not once: an operator may have emptied the folder; it is a single cheap syscall.
    await mkdir(this.temporaryFolder, { recursive: true });
    const temporaryPath = join(this.temporaryFolder, `${randomUUID()}.part`);
    let file: FileHandle | undefined;
    try {
      file = await open(temporaryPath, 'wx', 0o640);
      for await (const chunk of metered.chunks()) await writeFully(file, chunk);
      // fsync before the rename: otherwise a crash could leave a complete-looking name over missing bytes.
      await file.sync();
      await file.close();
      file = undefined;
      const stored = metered.result();
      await this.moveIntoPlace(temporaryPath, stored);
      return stored;
    } catch (error) {
      await file?.close().catch(() => undefined);
      // Cleanup must not mask the error that brought us here.
      await unlink(temporaryPath).catch(() => undefined);
      throw metered.failure ? metered.failure.error : error;
    }
  }

  async get(sha256: string): Promise<Readable> {
    const path = this.pathOf(sha256);
    let file: FileHandle;
    try {
      file = await open(path, 'r');
    } catch (error) {
      if (isMissing(error)) throw new ArtifactNotFoundError(sha256);
      throw error;
    }
    // Opening first turns "absent" into a rejection instead of a stream error; the size lets the
    // verifier fail an over-long file before reading it all.
    const { size } = await file.stat().catch(async (error: unknown) => {
      await file.close();
      throw error;
    });
    const verifier = new DigestVerifier(sha256, size);
    pipeline(file.createReadStream({ autoClose: true }), verifier, () => {
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
    const path = this.pathOf(sha256);
    try {
      return (await stat(path)).size;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async close(): Promise<void> {}

  private async moveIntoPlace(temporaryPath: string, stored: StoredArtifact): Promise<void> {
    const target = this.pathOf(stored.sha256);
    const existingSize = await this.size(stored.sha256);
    // Same digest, same size: the bytes are already here. A different size means a damaged copy,
    // which the fresh, verified upload replaces.
    if (existingSize === stored.size) {
      await unlink(temporaryPath);
      return;
    }
    const folder = join(target, '..');
    await mkdir(folder, { recursive: true });
    // rename(2) replaces atomically, so two concurrent uploads of the same bytes both succeed.
    await rename(temporaryPath, target);
    await syncFolder(folder);
  }
}

async function writeFully(file: FileHandle, chunk: Buffer): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await file.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

/** Makes the rename itself durable (the new directory entry), not only the file's bytes. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

// No `instanceof Error`: errors from Node's fs can come from another realm (Jest's VM contexts).
function isMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}
