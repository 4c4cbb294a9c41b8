import type { SourceArchiveCode } from './types';

/** One entry of an archive as a reader sees it, before the listing's rules are applied. */
export interface ArchiveEntry {
  /** The name as stored (a pax `path` or GNU long name already applied), decoded as UTF-8. */
  name: string;
  /** 1-based position among the archive's entries, for messages about unnamed or unsafe ones. */
  position: number;
  /**
   * `special` is anything that is neither a regular file nor a directory (links, devices, FIFOs,
   * sockets); `special` says which, for the message.
   */
  kind: 'file' | 'directory' | 'special';
  special?: string;
  /** The uncompressed size the archive declares (a tar's is its actual size). */
  declaredBytes: number;
  /**
   * The file's content: inflated, and checked against the declared size and CRC-32 (zip); null when
   * it would exceed `maxBytes` (inflation stops there). Structural faults are refused as UNREADABLE.
   */
  read(maxBytes: number): Uint8Array | null;
}

/** A refusal of the archive; caught by `listSourceArchive` and returned as `{ ok: false }`. */
export class ArchiveRefusal extends Error {
  readonly code: SourceArchiveCode;
  constructor(code: SourceArchiveCode, message: string) {
    super(message);
    this.code = code;
  }
}

export function refuse(code: SourceArchiveCode, message: string): never {
  throw new ArchiveRefusal(code, message);
}

export function unreadable(message: string): never {
  throw new ArchiveRefusal('SOURCE_ARCHIVE_UNREADABLE', message);
}

const MAX_QUOTED_CHARS = 200;

/** A name for a message: JSON-quoted (control characters escaped) and cut to 200 characters. */
export function quote(name: string): string {
  const cut = name.length > MAX_QUOTED_CHARS ? `${name.slice(0, MAX_QUOTED_CHARS)}…` : name;
  return JSON.stringify(cut);
}

/** The entry's name when it has one, else its position: `"src/a.py"` or `entry 3`. */
export function describeEntry(entry: Pick<ArchiveEntry, 'name' | 'position'>): string {
  return entry.name === '' ? `entry ${entry.position}` : `${quote(entry.name)} (entry ${entry.position})`;
}

/** `512 bytes`, `3.5 KiB`, `1 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const rounded = value >= 100 ? Math.round(value) : Math.round(value * 10) / 10;
  return `${rounded} ${units[unit]}`;
}

/** A size next to the limit it passes: in bytes when the rounded units would read alike (`1048577 bytes` vs `1 MiB`). */
export function formatBytesAbove(bytes: number, limit: number): string {
  const rounded = formatBytes(bytes);
  return rounded === formatBytes(limit) ? `${bytes} bytes` : rounded;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes a stored name; null when it is not valid UTF-8. */
export function decodeName(bytes: Uint8Array): string | null {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    return null;
  }
}
