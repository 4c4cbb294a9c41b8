import { gunzipSync } from 'node:zlib';
import { type ArchiveEntry, decodeName, describeEntry, formatBytes, refuse, unreadable } from './archive-entry';
import type { SourceArchiveLimits } from './types';

/**
 * Reads a gzip'd tar (POSIX ustar and pax, GNU, V7 headers). The gzip stream is inflated at once with
 * a cap ({@link maxTarStreamBytes}): zlib stops and throws as soon as the output passes it, and it
 * also verifies the gzip CRC-32 and length. Then every 512-byte header's checksum is verified.
 *
 * Decisions: pax extended headers (`x`) are read, their `path` and `size` applied to the next entry,
 * other keys (mtime, uid, xattrs…) ignored, `GNU.sparse.*` refused; a pax global header (`g`, e.g.
 * the commit id `git archive` writes) is accepted unless it sets `path` or `size`. GNU long names
 * (`L`) are applied; GNU long link names (`K`) and volume labels (`V`) are skipped. Links, devices
 * and FIFOs become `special` entries (refused by the listing); sparse, multi-volume and unknown entry
 * types are unreadable. The archive may end without its end-of-archive blocks, but anything but
 * zeros after them is refused (a second archive hidden behind the first).
 */

const BLOCK = 512;
/** Largest pax extended header or GNU long name accepted. */
const MAX_EXTENSION_BYTES = 64 * 1024;
/** Per file: its header, a pax header (header + data block) or a long name, and padding. */
const STREAM_BYTES_PER_FILE = 4 * BLOCK;
/** Directories' headers and the writer's record padding (GNU tar pads to 10 KiB). */
const STREAM_SLACK_BYTES = 1024 * 1024;

const RECREATE = 're-create it with `tar czf port.tar.gz port/`';
const NOT_A_TAR =
  'the .tar.gz does not hold a tar archive (no valid tar header at its start: a single gzip-compressed file?): make it with `tar czf port.tar.gz port/`, or upload a .zip';

/** How far the tar stream may inflate: the files' limit plus room for headers and padding. */
export function maxTarStreamBytes(limits: SourceArchiveLimits): number {
  return limits.maxTotalBytes + limits.maxFiles * STREAM_BYTES_PER_FILE + STREAM_SLACK_BYTES;
}

export function readTarGzEntries(bytes: Uint8Array, limits: SourceArchiveLimits): ArchiveEntry[] {
  return readTar(gunzip(bytes, limits));
}

function gunzip(bytes: Uint8Array, limits: SourceArchiveLimits): Uint8Array {
  const cap = maxTarStreamBytes(limits);
  try {
    return gunzipSync(bytes, { maxOutputLength: cap });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      return refuse(
        'SOURCE_ARCHIVE_BOMB',
        `the .tar.gz inflates to more than ${formatBytes(cap)} (inflation stopped there); its files may hold at most ${formatBytes(limits.maxTotalBytes)} together and ${formatBytes(limits.maxFileBytes)} each: leave out data, weights and generated files`,
      );
    }
    const message = String((error as { message?: unknown }).message);
    const reason =
      code === 'Z_BUF_ERROR'
        ? 'is truncated'
        : message.includes('incorrect data check') || message.includes('incorrect length check')
          ? 'fails its CRC-32 or length check'
          : message.includes('incorrect header check')
            ? 'has data after its end that is not gzip'
            : 'is corrupt';
    return unreadable(`the .tar.gz's gzip stream ${reason}: the upload is damaged; ${RECREATE}`);
  }
}

interface PendingNames {
  path?: string;
  size?: number;
  longName?: string;
}

const TYPE_NAMES: Record<string, string> = {
  '1': 'a hard link',
  '2': 'a symbolic link',
  '3': 'a character device',
  '4': 'a block device',
  '6': 'a FIFO',
};

function readTar(tar: Uint8Array): ArchiveEntry[] {
  if (tar.length === 0) unreadable(`the .tar.gz is empty (its gzip stream holds no bytes): ${RECREATE}`);
  const entries: ArchiveEntry[] = [];
  let pending: PendingNames = {};
  let offset = 0;
  let headers = 0;
  while (offset < tar.length) {
    if (offset + BLOCK > tar.length) {
      if (offset === 0) unreadable(NOT_A_TAR);
      unreadable(`the tar inside the .tar.gz is truncated in a header: ${RECREATE}`);
    }
    const header = tar.subarray(offset, offset + BLOCK);
    if (isZeros(header)) {
      if (pending.path !== undefined || pending.longName !== undefined || pending.size !== undefined) {
        unreadable(`the tar ends right after an extended header: the archive is damaged; ${RECREATE}`);
      }
      if (!isZeros(tar.subarray(offset))) {
        unreadable(`the tar has data after its end-of-archive marker (a second archive appended?): ${RECREATE}`);
      }
      break;
    }
    verifyChecksum(header, headers === 0, entries.length + 1);
    headers += 1;
    const type = String.fromCharCode(header[156]);
    const position = entries.length + 1;
    const isExtension = type === 'x' || type === 'g' || type === 'L' || type === 'K';
    const size = isExtension || pending.size === undefined ? readNumber(header, 124, 12, position) : pending.size;
    const dataStart = offset + BLOCK;
    if (dataStart + size > tar.length) {
      unreadable(`the tar inside the .tar.gz is truncated in the data of entry ${position}: the upload is damaged; ${RECREATE}`);
    }
    const data = tar.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;

    if (isExtension) {
      if (size > MAX_EXTENSION_BYTES)
        unreadable(`entry ${position}'s extended header is larger than ${formatBytes(MAX_EXTENSION_BYTES)}: ${RECREATE}`);
      if (type === 'x') pending = { ...pending, ...readPax(data, position, false) };
      else if (type === 'g') readPax(data, position, true);
      else if (type === 'L') pending.longName = nameOf(data.subarray(0, endOfString(data, 0, data.length)), position);
      continue; // 'K': the long link name of a link, which is refused for being a link
    }
    if (type === 'V') {
      pending = {};
      continue; // a volume label, not a member
    }

    const name = pending.path ?? pending.longName ?? headerName(header, position);
    pending = {};
    const where = describeEntry({ name, position });
    let kind: ArchiveEntry['kind'];
    let special: string | undefined;
    if (type === '0' || type === '\0' || type === '7') {
      kind = name.endsWith('/') ? 'directory' : 'file';
      if (kind === 'directory' && size > 0) unreadable(`${where} is a file whose name ends with "/": the tar is damaged; ${RECREATE}`);
    } else if (type === '5' || type === 'D') {
      kind = 'directory';
    } else if (TYPE_NAMES[type] !== undefined) {
      kind = 'special';
      special = TYPE_NAMES[type];
    } else if (type === 'S' || type === 'M') {
      unreadable(
        `${where} is a GNU ${type === 'S' ? 'sparse file' : 'multi-volume continuation'}, which is not supported: ${RECREATE} (without --sparse or --multi-volume)`,
      );
    } else {
      unreadable(`${where} has the unknown tar entry type ${JSON.stringify(type)}: ${RECREATE}`);
    }
    entries.push({
      name,
      position,
      kind,
      ...(special === undefined ? {} : { special }),
      declaredBytes: size,
      read: (maxBytes) => (data.length > maxBytes ? null : data),
    });
  }
  return entries;
}

function isZeros(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i += 1) if (bytes[i] !== 0) return false;
  return true;
}

/** The header checksum: the sum of its bytes with the checksum field read as spaces (unsigned, or signed as some old tars wrote it). */
function verifyChecksum(header: Uint8Array, first: boolean, position: number): void {
  const field = header.subarray(148, 156);
  const text = asciiField(field).trim();
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i += 1) {
    const byte = i >= 148 && i < 156 ? 0x20 : header[i];
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  const stored = /^[0-7]{1,8}$/.test(text) ? parseInt(text, 8) : NaN;
  if (stored === unsigned || stored === signed) return;
  if (first) {
    unreadable(NOT_A_TAR);
  }
  unreadable(`the tar header of entry ${position} fails its checksum: the archive is damaged; ${RECREATE}`);
}

function asciiField(field: Uint8Array): string {
  let text = '';
  for (const byte of field) {
    if (byte === 0) break;
    text += String.fromCharCode(byte);
  }
  return text;
}

/** A numeric header field: octal (space/NUL padded), or GNU base-256 when its first byte's high bit is set. */
function readNumber(header: Uint8Array, start: number, length: number, position: number): number {
  const field = header.subarray(start, start + length);
  if ((field[0] & 0x80) !== 0) {
    if (field[0] === 0xff) unreadable(`entry ${position}'s tar header holds a negative size: the archive is damaged; ${RECREATE}`);
    let value = field[0] & 0x7f;
    for (let i = 1; i < field.length; i += 1) value = value * 256 + field[i];
    return value;
  }
  const text = asciiField(field).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) unreadable(`entry ${position}'s tar header holds a malformed size: the archive is damaged; ${RECREATE}`);
  return parseInt(text, 8);
}

function endOfString(bytes: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i += 1) if (bytes[i] === 0) return i;
  return end;
}

function nameOf(bytes: Uint8Array, position: number): string {
  const name = decodeName(bytes);
  if (name === null) {
    refuse('SOURCE_ARCHIVE_UNSAFE_PATH', `entry ${position}'s name is not valid UTF-8: rename the file to a UTF-8 (ideally ASCII) name`);
  }
  return name;
}

/** name (0..100), with ustar's prefix (345..500) in front when the magic is POSIX "ustar\0". */
function headerName(header: Uint8Array, position: number): string {
  const name = nameOf(header.subarray(0, endOfString(header, 0, 100)), position);
  const posix = header[257] === 0x75 && asciiField(header.subarray(257, 263)) === 'ustar' && header[262] === 0;
  if (!posix || header[345] === 0) return name;
  return `${nameOf(header.subarray(345, endOfString(header, 345, 500)), position)}/${name}`;
}

/** pax records: "<length> <key>=<value>\n", the length counting the whole record in bytes. */
function readPax(data: Uint8Array, position: number, global: boolean): PendingNames {
  const found: PendingNames = {};
  const malformed = (): never => unreadable(`entry ${position}'s pax extended header is malformed: ${RECREATE}`);
  let at = 0;
  while (at < data.length) {
    let space = at;
    while (space < data.length && space - at < 8 && data[space] >= 0x30 && data[space] <= 0x39) space += 1;
    if (space === at || space >= data.length || data[space] !== 0x20) malformed();
    const length = parseInt(asciiField(data.subarray(at, space)), 10);
    const end = at + length;
    if (end > data.length || end <= space + 1 || data[end - 1] !== 0x0a) malformed();
    const record = data.subarray(space + 1, end - 1);
    const equals = record.indexOf(0x3d);
    if (equals <= 0) malformed();
    const key = asciiField(record.subarray(0, equals));
    const value = record.subarray(equals + 1);
    if (key.startsWith('GNU.sparse.')) {
      unreadable(`entry ${position} is a GNU sparse file (pax key ${key}), which is not supported: ${RECREATE} without --sparse`);
    }
    if (key === 'path' || key === 'size') {
      if (global) unreadable(`the tar's pax global header sets "${key}" for every entry, which is not supported: ${RECREATE}`);
      if (key === 'path') {
        found.path = nameOf(value, position);
      } else {
        const text = asciiField(value);
        if (!/^[0-9]{1,16}$/.test(text) || value.length !== text.length) malformed();
        found.size = Number(text);
      }
    }
    at = end;
  }
  return found;
}
