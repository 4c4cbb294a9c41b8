import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, renameSync, rmSync } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ApiClient } from './api-client';
import { CliError, ExitCode } from './cli-errors';

export interface AssetToFetch {
  name: string;
  sha256: string;
  size: number;
  /** The API's path for it (`/challenges/:slug/assets/:name`). */
  url: string;
}

export type FetchOutcome = 'downloaded' | 'up-to-date';

/**
 * Downloads an asset to `path`, hashing it as it streams. It is written beside (`.part`) and
 * renamed only when its sha256 is the one the API listed: a mismatch leaves nothing behind and
 * fails with exit 1. A file already there with the right sha256 is not downloaded again.
 */
export async function fetchAsset(
  api: ApiClient,
  asset: AssetToFetch,
  path: string,
  onProgress: (bytes: number) => void,
): Promise<FetchOutcome> {
  if (existsSync(path) && (await sha256OfFile(path)) === asset.sha256) return 'up-to-date';
  const response = await api.getStream(asset.url);
  const hash = createHash('sha256');
  let received = 0;
  const partial = `${path}.part`;
  const counting = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      onProgress((received += chunk.length));
      callback(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
      counting,
      createWriteStream(partial, { mode: 0o644 }),
    );
  } catch (error) {
    rmSync(partial, { force: true });
    throw new CliError(ExitCode.NetworkOrAuth, 'UNREACHABLE', `downloading ${asset.name} failed: ${(error as Error).message}`);
  }
  const sha256 = hash.digest('hex');
  if (sha256 !== asset.sha256) {
    rmSync(partial, { force: true });
    throw new CliError(
      ExitCode.Failed,
      'SHA256_MISMATCH',
      `${asset.name}: received ${received} bytes with sha256 ${sha256}, expected ${asset.sha256}; nothing was kept`,
    );
  }
  renameSync(partial, path);
  return 'downloaded';
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
