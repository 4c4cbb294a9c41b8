import { crc32, inflateRawSync } from 'node:zlib';
import { type ArchiveEntry, decodeName, describeEntry, quote, refuse, unreadable } from './archive-entry';

/**
 * Reads a zip's structure (PKWARE APPNOTE 6.3): the end-of-central-directory record, the central
 * directory and each entry's local header. Contents are inflated only by `entry.read`, with a cap.
 * Refused as unreadable: ZIP64, split/spanned archives, data before the first entry (self-extractors),
 * encryption, methods other than stored (0) and deflate (8), local headers that disagree with the
 * central directory, entries whose data overlap (the overlapping-file bomb) or run out of the file.
 */

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_BYTES = 22;
const CENTRAL_BYTES = 46;
const LOCAL_BYTES = 30;
const MAX_COMMENT_BYTES = 0xffff;
const ZIP64_EXTRA_ID = 0x0001;

const FLAG_ENCRYPTED = 0x0001;
const FLAG_STRONG_ENCRYPTION = 0x0040;
const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
const METHOD_NAMES: Record<number, string> = {
  1: 'shrink',
  6: 'implode',
  9: 'deflate64',
  12: 'bzip2',
  14: 'LZMA',
  93: 'Zstandard',
  95: 'xz',
  98: 'PPMd',
  99: 'AES encryption',
};

const HOST_UNIX = 3;
const S_IFMT = 0o170000;
/** Unix file types (st_mode & S_IFMT) → `file`, `directory` or what the entry is, for the message. */
const UNIX_TYPES: Record<number, string> = {
  0: 'file', // no type bits: a tool that does not record Unix modes
  [0o100000]: 'file',
  [0o040000]: 'directory',
  [0o120000]: 'a symbolic link',
  [0o010000]: 'a FIFO',
  [0o020000]: 'a character device',
  [0o060000]: 'a block device',
  [0o140000]: 'a socket',
};
const MSDOS_DIRECTORY = 0x10;

const RECREATE = 're-create it with `zip -r port.zip port/` (or `shutil.make_archive`)';

export function readZipEntries(bytes: Uint8Array): ArchiveEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEndOfCentralDirectory(bytes, view);
  const disk = view.getUint16(eocd + 4, true);
  const centralDisk = view.getUint16(eocd + 6, true);
  const entriesOnDisk = view.getUint16(eocd + 8, true);
  const entryCount = view.getUint16(eocd + 10, true);
  const centralBytes = view.getUint32(eocd + 12, true);
  const centralOffset = view.getUint32(eocd + 16, true);

  const zip64Locator = eocd >= 20 && view.getUint32(eocd - 20, true) === ZIP64_LOCATOR_SIGNATURE;
  if (zip64Locator || entryCount === 0xffff || centralBytes === 0xffffffff || centralOffset === 0xffffffff) {
    unreadable(`the zip uses ZIP64, which is not supported (source archives are small): ${RECREATE} without forcing ZIP64`);
  }
  if (disk !== 0 || centralDisk !== 0 || entriesOnDisk !== entryCount) {
    unreadable(`the zip is split over several files (a multi-disk or spanned archive): ${RECREATE} as one file`);
  }
  const centralEnd = centralOffset + centralBytes;
  if (centralEnd > eocd) {
    unreadable(`the zip's central directory points past the end of the file: the upload is truncated or damaged; ${RECREATE}`);
  }
  if (entryCount > 0 && centralOffset > 0 && view.getUint32(0, true) !== LOCAL_SIGNATURE) {
    unreadable(`the zip has data before its first entry (a self-extracting archive?): ${RECREATE}`);
  }

  const entries: ArchiveEntry[] = [];
  const spans: { start: number; end: number; entry: ArchiveEntry }[] = [];
  let offset = centralOffset;
  for (let position = 1; position <= entryCount; position += 1) {
    if (offset + CENTRAL_BYTES > centralEnd || view.getUint32(offset, true) !== CENTRAL_SIGNATURE) {
      unreadable(`the zip's central directory is damaged at entry ${position} of ${entryCount}: ${RECREATE}`);
    }
    const madeBy = view.getUint16(offset + 4, true);
    const flags = view.getUint16(offset + 8, true);
    const method = view.getUint16(offset + 10, true);
    const crc = view.getUint32(offset + 16, true);
    const compressedBytes = view.getUint32(offset + 20, true);
    const declaredBytes = view.getUint32(offset + 24, true);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    const diskStart = view.getUint16(offset + 34, true);
    const externalAttributes = view.getUint32(offset + 38, true);
    const localOffset = view.getUint32(offset + 42, true);
    const nameStart = offset + CENTRAL_BYTES;
    const next = nameStart + nameLength + extraLength + commentLength;
    if (next > centralEnd) unreadable(`the zip's central directory is truncated at entry ${position}: ${RECREATE}`);
    const nameBytes = bytes.subarray(nameStart, nameStart + nameLength);
    const name = decodeName(nameBytes);
    if (name === null) {
      refuse('SOURCE_ARCHIVE_UNSAFE_PATH', `entry ${position}'s name is not valid UTF-8: rename the file to a UTF-8 (ideally ASCII) name`);
    }
    const where = describeEntry({ name, position });
    if (
      compressedBytes === 0xffffffff ||
      declaredBytes === 0xffffffff ||
      localOffset === 0xffffffff ||
      hasExtraField(view, nameStart + nameLength, extraLength, ZIP64_EXTRA_ID)
    ) {
      unreadable(`${where} uses ZIP64, which is not supported (source archives are small): ${RECREATE} without forcing ZIP64`);
    }
    if (diskStart !== 0) unreadable(`${where} lies on another disk of a split zip: ${RECREATE} as one file`);

    const kind = entryKind(name, madeBy, externalAttributes);
    const entry: ArchiveEntry =
      kind === 'file' || kind === 'directory'
        ? { name, position, kind, declaredBytes, read: () => unreadable(`${where} is not a file`) }
        : { name, position, kind: 'special', special: kind, declaredBytes, read: () => unreadable(`${where} is not a file`) };
    entries.push(entry);
    offset = next;
    if (entry.kind !== 'file') continue;

    if ((flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) !== 0) {
      unreadable(`${where} is encrypted: the platform only lists archives without a password; ${RECREATE} without -e/--encrypt`);
    }
    if (method !== METHOD_STORED && method !== METHOD_DEFLATE) {
      const methodName = METHOD_NAMES[method] ?? `method ${method}`;
      unreadable(
        `${where} is compressed with ${methodName}; only stored and deflate entries are read: ${RECREATE} (deflate is zip's default)`,
      );
    }
    if (method === METHOD_STORED && compressedBytes !== declaredBytes) {
      unreadable(
        `${where} is stored uncompressed but declares ${compressedBytes} bytes stored and ${declaredBytes} bytes of content: ${RECREATE}`,
      );
    }
    const dataStart = checkLocalHeader(bytes, view, localOffset, nameBytes, method, centralOffset, where);
    const dataEnd = dataStart + compressedBytes;
    if (dataEnd > centralOffset)
      unreadable(`${where}'s data runs past the end of the entries: the upload is truncated or damaged; ${RECREATE}`);
    spans.push({ start: localOffset, end: dataEnd, entry });
    const data = bytes.subarray(dataStart, dataEnd);
    entry.read = (maxBytes) => readContent(data, method, declaredBytes, crc, maxBytes, where);
  }
  if (offset !== centralEnd) {
    unreadable(`the zip's central directory holds more than its ${entryCount} declared entries: the file is damaged; ${RECREATE}`);
  }
  spans.sort((a, b) => a.start - b.start);
  for (let i = 1; i < spans.length; i += 1) {
    if (spans[i].start < spans[i - 1].end) {
      unreadable(
        `${describeEntry(spans[i].entry)} overlaps ${describeEntry(spans[i - 1].entry)} in the file: the zip is crafted or damaged; ${RECREATE}`,
      );
    }
  }
  return entries;
}

/** The EOCD record: the last signature whose comment ends exactly at the end of the file. */
function findEndOfCentralDirectory(bytes: Uint8Array, view: DataView): number {
  if (bytes.length < EOCD_BYTES) unreadable(`the zip is truncated (${bytes.length} bytes, shorter than its end record): ${RECREATE}`);
  const lowest = Math.max(0, bytes.length - EOCD_BYTES - MAX_COMMENT_BYTES);
  for (let at = bytes.length - EOCD_BYTES; at >= lowest; at -= 1) {
    if (view.getUint32(at, true) === EOCD_SIGNATURE && at + EOCD_BYTES + view.getUint16(at + 20, true) === bytes.length) return at;
  }
  return unreadable(`the zip has no end-of-central-directory record: the upload is truncated or damaged; ${RECREATE}`);
}

function hasExtraField(view: DataView, start: number, length: number, id: number): boolean {
  for (let at = start; at + 4 <= start + length;) {
    if (view.getUint16(at, true) === id) return true;
    at += 4 + view.getUint16(at + 2, true);
  }
  return false;
}

function entryKind(name: string, madeBy: number, externalAttributes: number): string {
  if (madeBy >> 8 === HOST_UNIX) {
    const type = UNIX_TYPES[(externalAttributes >>> 16) & S_IFMT] ?? 'a special file';
    if (type !== 'file') return type;
  }
  if (name.endsWith('/') || (externalAttributes & MSDOS_DIRECTORY) !== 0) return 'directory';
  return 'file';
}

/** Checks the local header against the central directory; returns where the entry's data starts. */
function checkLocalHeader(
  bytes: Uint8Array,
  view: DataView,
  localOffset: number,
  nameBytes: Uint8Array,
  method: number,
  limit: number,
  where: string,
): number {
  if (localOffset + LOCAL_BYTES > limit || view.getUint32(localOffset, true) !== LOCAL_SIGNATURE) {
    unreadable(`${where} has no local header where the central directory says: the zip is damaged; ${RECREATE}`);
  }
  const localMethod = view.getUint16(localOffset + 8, true);
  const nameLength = view.getUint16(localOffset + 26, true);
  const extraLength = view.getUint16(localOffset + 28, true);
  const nameStart = localOffset + LOCAL_BYTES;
  const dataStart = nameStart + nameLength + extraLength;
  if (dataStart > limit) unreadable(`${where}'s local header runs past the end of the entries: the zip is damaged; ${RECREATE}`);
  const localName = bytes.subarray(nameStart, nameStart + nameLength);
  if (!sameBytes(localName, nameBytes)) {
    unreadable(
      `${where} is named ${quote(decodeName(localName) ?? '(not UTF-8)')} in its local header: the zip is crafted or damaged; ${RECREATE}`,
    );
  }
  if (localMethod !== method) unreadable(`${where}'s local header and central directory disagree on its compression: ${RECREATE}`);
  return dataStart;
}

function readContent(
  data: Uint8Array,
  method: number,
  declaredBytes: number,
  crc: number,
  maxBytes: number,
  where: string,
): Uint8Array | null {
  let content: Uint8Array;
  if (method === METHOD_STORED) {
    content = data;
  } else {
    try {
      // Stops (throws ERR_BUFFER_TOO_LARGE) as soon as the output passes the cap: never more is allocated.
      content = inflateRawSync(data, { maxOutputLength: Math.max(1, maxBytes) });
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') return null;
      const reason = (error as { code?: unknown }).code === 'Z_BUF_ERROR' ? 'is truncated' : 'is corrupt';
      return unreadable(`${where}'s compressed data ${reason}: ${RECREATE}`);
    }
  }
  if (content.length > maxBytes) return null;
  if (content.length !== declaredBytes) {
    unreadable(`${where} holds ${content.length} bytes but declares ${declaredBytes}: the zip is damaged; ${RECREATE}`);
  }
  if (crc32(content) !== crc) unreadable(`${where} fails its CRC-32 check: the zip is damaged; ${RECREATE}`);
  return content;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}
