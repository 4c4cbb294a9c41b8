import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArtifactStore } from './artifact-store';
import { LocalArtifactStore } from './local-artifact-store';
import { S3ArtifactStore, type S3Location, type S3StoreOptions } from './s3-artifact-store';

export type ArtifactStoreLocation = { kind: 'local'; root: string } | ({ kind: 's3' } & S3Location);

/**
 * Parses an `ARTIFACT_STORE` value: a folder (relative ones resolve against `baseFolder`),
 * `file:///absolute/path`, or `s3://bucket[/prefix]`. Throws a message naming what is wrong,
 * fit for a start-up error.
 */
export function parseArtifactStoreLocation(location: string, baseFolder = process.cwd()): ArtifactStoreLocation {
  const value = location.trim();
  if (value === '') throw new Error('ARTIFACT_STORE is empty; give a folder, file:///path or s3://bucket/prefix');
  if (value.startsWith('s3://')) {
    const rest = value.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash === -1 ? rest : rest.slice(0, slash);
    const prefix = (slash === -1 ? '' : rest.slice(slash + 1)).replace(/^\/+|\/+$/g, '');
    // S3's bucket naming rules (3–63 characters, lowercase letters, digits, dots, hyphens).
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new Error(`ARTIFACT_STORE names an invalid S3 bucket "${bucket}"`);
    if (/(^|\/)\.{1,2}(\/|$)|\/\/|[\\\0]/.test(prefix)) throw new Error('ARTIFACT_STORE has an S3 prefix with empty, "." or ".." segments');
    return { kind: 's3', bucket, prefix };
  }
  if (value.startsWith('file:')) {
    let root: string;
    try {
      root = fileURLToPath(value);
    } catch {
      throw new Error('ARTIFACT_STORE is not a valid file URL; use file:///absolute/path');
    }
    return { kind: 'local', root };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) throw new Error('ARTIFACT_STORE supports only a folder, file:///path or s3://bucket/prefix');
  return { kind: 'local', root: isAbsolute(value) ? value : resolve(baseFolder, value) };
}

/** The store for an `ARTIFACT_STORE` value; `s3` is used only for `s3://` locations. */
export function createArtifactStore(location: string, s3: S3StoreOptions = {}, baseFolder?: string): ArtifactStore {
  const parsed = parseArtifactStoreLocation(location, baseFolder);
  return parsed.kind === 'local' ? new LocalArtifactStore(parsed.root) : new S3ArtifactStore(parsed, s3);
}
