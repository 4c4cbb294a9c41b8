import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import {
  ArchiveRefusal,
  type ArchiveEntry,
  describeEntry,
  formatBytes,
  formatBytesAbove,
  quote,
  refuse,
  unreadable,
} from './archive-entry';
import { readTarGzEntries } from './read-tar-gz';
import { readZipEntries } from './read-zip';
import {
  MAX_SOURCE_PATH_CHARS,
  type ListedSourceFile,
  type SourceArchiveLimits,
  type SourceArchiveResult,
  type SourceArchiveTask,
} from './types';

/**
 * Lists the source archive of a PORT_TO_JAX submission for the mentor's review (task kind
 * `archive.list`), as a pure function over untrusted bytes: nothing is extracted, written or run.
 *
 * In order (the first failure is returned):
 * 1. size of the upload, then the format by its magic bytes (zip or gzip; other formats are named);
 * 2. the structure: zip central directory and local headers, or the gunzipped tar's headers
 *    (inflating the tar stream stops at the cap);
 * 3. per entry, in archive order: path → link/device → (directories stop here) → extension →
 *    file count → duplicate → declared size against the per-file and total limits;
 * 4. at least one `.py`;
 * 5. per file: content (zip: inflated with the remaining budget as cap, size and CRC-32 checked),
 *    then UTF-8 text without NUL; sha256 and lines.
 * A malformed task (limits that are not positive integers…) is the platform's fault and throws
 * `INVALID_TASK: …`.
 */
export function listSourceArchive(task: SourceArchiveTask): SourceArchiveResult {
  validateTask(task);
  const { archive, limits } = task;
  try {
    if (archive.length > limits.maxArchiveBytes) {
      refuse(
        'SOURCE_ARCHIVE_TOO_LARGE',
        `the archive is ${formatBytesAbove(archive.length, limits.maxArchiveBytes)}; at most ${formatBytes(limits.maxArchiveBytes)} is accepted: include only your source files (no data, checkpoints or weights)`,
      );
    }
    const format = sniffFormat(archive);
    const entries = format === 'zip' ? readZipEntries(archive) : readTarGzEntries(archive, limits);
    const files = selectFiles(entries, limits);
    const listed: ListedSourceFile[] = [];
    let readBytes = 0;
    for (const { entry, path } of files) {
      const file = listFile(entry, path, limits, limits.maxTotalBytes - readBytes);
      readBytes += file.bytes;
      listed.push(file);
    }
    listed.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { ok: true, format, files: listed, totalBytes: listed.reduce((sum, file) => sum + file.bytes, 0) };
  } catch (error) {
    if (error instanceof ArchiveRefusal) return { ok: false, code: error.code, message: error.message };
    throw error;
  }
}

function invalidTask(message: string): never {
  throw new Error(`INVALID_TASK: ${message}`);
}

function validateTask(task: SourceArchiveTask): void {
  if (!(task.archive instanceof Uint8Array)) invalidTask('archive must be a Uint8Array');
  if (typeof task.limits !== 'object' || task.limits === null) invalidTask('limits are required');
  const { limits } = task;
  for (const name of ['maxArchiveBytes', 'maxFiles', 'maxFileBytes', 'maxTotalBytes'] as const) {
    const value = limits[name];
    if (!Number.isSafeInteger(value) || value < 1) invalidTask(`limits.${name} must be a whole number ≥ 1, got ${String(value)}`);
  }
  if (!Array.isArray(limits.allowedExtensions) || limits.allowedExtensions.length === 0) {
    invalidTask('limits.allowedExtensions must be a non-empty array');
  }
  for (const extension of limits.allowedExtensions) {
    if (typeof extension !== 'string' || !/^\.[^./\\]+$/.test(extension)) {
      invalidTask(`limits.allowedExtensions holds ${JSON.stringify(extension)}; each must be a dot and a suffix, like ".py"`);
    }
  }
}

const OTHER_FORMATS: { magic: number[]; offset?: number; name: string }[] = [
  { magic: [0x42, 0x5a, 0x68], name: 'a bzip2 file (.tar.bz2?)' },
  { magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], name: 'an xz file (.tar.xz?)' },
  { magic: [0x28, 0xb5, 0x2f, 0xfd], name: 'a Zstandard file (.tar.zst?)' },
  { magic: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], name: 'a 7z archive' },
  { magic: [0x52, 0x61, 0x72, 0x21], name: 'a RAR archive' },
  { magic: [0x75, 0x73, 0x74, 0x61, 0x72], offset: 257, name: 'an uncompressed tar (gzip it: `tar czf port.tar.gz port/`)' },
  { magic: [0x80], name: 'a Python pickle' },
  { magic: [0x7f, 0x45, 0x4c, 0x46], name: 'an ELF binary' },
];

function sniffFormat(archive: Uint8Array): 'zip' | 'tar.gz' {
  if (archive.length === 0) unreadable('the archive is empty (0 bytes): upload a .zip or .tar.gz of your source files');
  const startsWith = (magic: number[], offset = 0): boolean =>
    archive.length >= offset + magic.length && magic.every((byte, i) => archive[offset + i] === byte);
  // Local file header, or the end record of an empty zip.
  if (startsWith([0x50, 0x4b, 0x03, 0x04]) || startsWith([0x50, 0x4b, 0x05, 0x06])) return 'zip';
  if (startsWith([0x1f, 0x8b])) return 'tar.gz';
  const other = OTHER_FORMATS.find((format) => startsWith(format.magic, format.offset));
  const found = other ? `it is ${other.name}` : `it starts with the bytes ${hexPrefix(archive)}`;
  return unreadable(`the archive is neither a .zip nor a .tar.gz (${found}): upload a .zip or .tar.gz of your source files`);
}

function hexPrefix(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 8), (byte) => byte.toString(16).padStart(2, '0')).join(' ');
}

interface SelectedFile {
  entry: ArchiveEntry;
  path: string;
}

/** Step 3 and 4: every rule that needs only the entries' metadata. */
function selectFiles(entries: ArchiveEntry[], limits: SourceArchiveLimits): SelectedFile[] {
  const allowed = new Set(limits.allowedExtensions.map((extension) => extension.toLowerCase()));
  const allowedText = [...allowed].join(', ');
  const files: SelectedFile[] = [];
  const positions = new Map<string, number>();
  const folders = new Map<string, string>();
  let declaredTotal = 0;
  for (const entry of entries) {
    const path = normalizePath(entry);
    const where = describeEntry(entry);
    if (entry.kind === 'special') {
      refuse(
        'SOURCE_ARCHIVE_LINK',
        `${where} is ${entry.special ?? 'not a regular file'}; the archive may hold only regular files and folders: archive the file itself (tar --dereference / zip without --symlinks) or leave it out`,
      );
    }
    if (entry.kind === 'directory') continue;

    checkFileType(path, where, allowed, allowedText);
    if (files.length >= limits.maxFiles) {
      refuse(
        'SOURCE_ARCHIVE_TOO_MANY_FILES',
        `the archive holds more than ${limits.maxFiles} files (file ${limits.maxFiles + 1} is ${quote(path)}): include only the port's sources, without data or generated files`,
      );
    }
    const earlier = positions.get(path);
    if (earlier !== undefined) {
      refuse(
        'SOURCE_ARCHIVE_DUPLICATE',
        `${quote(path)} is in the archive twice (entries ${earlier} and ${entry.position}): re-create the archive so that each file appears once`,
      );
    }
    positions.set(path, entry.position);
    const segments = path.split('/');
    for (let depth = 1; depth < segments.length; depth += 1) {
      const folder = segments.slice(0, depth).join('/');
      if (!folders.has(folder)) folders.set(folder, path);
    }
    if (entry.declaredBytes > limits.maxFileBytes) {
      refuse(
        'SOURCE_ARCHIVE_BOMB',
        `${quote(path)} is ${formatBytesAbove(entry.declaredBytes, limits.maxFileBytes)} uncompressed; each file may be at most ${formatBytes(limits.maxFileBytes)}: leave out data and generated files`,
      );
    }
    declaredTotal += entry.declaredBytes;
    if (declaredTotal > limits.maxTotalBytes) {
      refuse(
        'SOURCE_ARCHIVE_BOMB',
        `the files up to ${quote(path)} hold ${formatBytesAbove(declaredTotal, limits.maxTotalBytes)} uncompressed; at most ${formatBytes(limits.maxTotalBytes)} in total is accepted: leave out data and generated files`,
      );
    }
    files.push({ entry, path });
  }
  for (const { path } of files) {
    const inside = folders.get(path);
    if (inside !== undefined) {
      refuse('SOURCE_ARCHIVE_DUPLICATE', `${quote(path)} is both a file and the folder of ${quote(inside)}: rename one of them`);
    }
  }
  if (!files.some(({ path }) => extensionOf(path) === '.py')) {
    const held =
      files.length === 0
        ? 'it holds no files at all'
        : `it holds ${files.length} file${files.length === 1 ? '' : 's'}: ${files
            .slice(0, 5)
            .map(({ path }) => quote(path))
            .join(', ')}${files.length > 5 ? ', …' : ''}`;
    refuse('SOURCE_ARCHIVE_NO_PYTHON', `the archive holds no .py file (${held}): include your JAX port's Python sources`);
  }
  return files;
}

/**
 * Drops `.` segments (`./src/a.py` → `src/a.py`) and one trailing `/` of a folder; refuses what
 * could point outside the archive's root or be read differently by another tool.
 */
function normalizePath(entry: ArchiveEntry): string {
  const raw = entry.name;
  const where = `entry ${entry.position}`;
  const unsafe = (why: string, fix: string): never =>
    refuse('SOURCE_ARCHIVE_UNSAFE_PATH', `${raw === '' ? where : `${quote(raw)} (${where})`} ${why}: ${fix}`);
  const fromRoot = 'archive your project from its own folder so that every path is relative (e.g. `cd port && zip -r ../port.zip .`)';
  if (raw === '') unsafe('has an empty name', 'the archive is damaged; re-create it');
  if (raw.includes('\0')) unsafe('has a NUL character in its name', 'rename the file');
  if (hasControlCharacter(raw)) unsafe('has a control character in its name', 'rename the file');
  if (raw.includes('\\'))
    unsafe(
      'has a backslash in its path',
      'use "/" between folders (re-create the archive with a tool that writes "/", e.g. `tar czf` or Python\'s zipfile)',
    );
  if (raw.startsWith('/')) unsafe('is an absolute path', fromRoot);
  if (/^[A-Za-z]:/.test(raw)) unsafe('starts with a drive letter', fromRoot);
  const segments = raw.split('/');
  if (entry.kind === 'directory' && segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
  const kept: string[] = [];
  for (const segment of segments) {
    if (segment === '..') unsafe('has a ".." segment, which points outside the archive', fromRoot);
    if (segment === '') unsafe('has an empty path segment ("//" or a trailing "/")', 'the archive is damaged; re-create it');
    if (segment !== '.') kept.push(segment);
  }
  const path = kept.join('/');
  if (path === '' && entry.kind !== 'directory') unsafe('has no file name', 'the archive is damaged; re-create it');
  if (path.length > MAX_SOURCE_PATH_CHARS) unsafe(`is longer than ${MAX_SOURCE_PATH_CHARS} characters`, 'use a shorter path');
  return path;
}

/** C0 controls and DEL: they would break or fake lines in the mentor's listing. */
function hasControlCharacter(name: string): boolean {
  for (let i = 0; i < name.length; i += 1) {
    const unit = name.charCodeAt(i);
    if (unit < 0x20 || unit === 0x7f) return true;
  }
  return false;
}

function extensionOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

function checkFileType(path: string, where: string, allowed: Set<string>, allowedText: string): void {
  const segments = path.split('/');
  const base = segments[segments.length - 1];
  if (segments.includes('__MACOSX') || base.startsWith('._') || base === '.DS_Store') {
    refuse(
      'SOURCE_ARCHIVE_FILE_TYPE',
      `${where} is macOS Finder metadata, not a source file: create the archive with \`zip -r -X port.zip port/\` or \`COPYFILE_DISABLE=1 tar czf port.tar.gz port/\``,
    );
  }
  const extension = extensionOf(path);
  if (!allowed.has(extension)) {
    const what = extension === '' ? 'has no extension' : `has the extension ${extension}`;
    refuse(
      'SOURCE_ARCHIVE_FILE_TYPE',
      `${where} ${what}, which is not accepted; the archive may hold only source and text files (${allowedText}): remove it, or rename a text file to .txt`,
    );
  }
}

/** Step 5 for one file: its content within what the per-file and total limits leave. */
function listFile(entry: ArchiveEntry, path: string, limits: SourceArchiveLimits, remaining: number): ListedSourceFile {
  const cap = Math.min(limits.maxFileBytes, remaining);
  const content = entry.read(cap);
  if (content === null) {
    refuse(
      'SOURCE_ARCHIVE_BOMB',
      cap === limits.maxFileBytes
        ? `${quote(path)} inflates to more than ${formatBytes(limits.maxFileBytes)} although it declares ${formatBytes(entry.declaredBytes)} (inflation stopped there); each file may be at most ${formatBytes(limits.maxFileBytes)}: re-create the archive from your source files`
        : `the files up to ${quote(path)} inflate to more than ${formatBytes(limits.maxTotalBytes)} (inflation stopped there); at most ${formatBytes(limits.maxTotalBytes)} in total is accepted: re-create the archive from your source files`,
    );
  }
  const text = checkText(content, path);
  return { path, bytes: content.length, sha256: createHash('sha256').update(content).digest('hex'), lines: text.lines };
}

/**
 * UTF-8 (strict: no overlong forms, no surrogates, nothing above U+10FFFF; a BOM is fine) without
 * NUL. Node's native validator and indexOf do the work; the byte-by-byte scan runs only to locate
 * a fault for the message.
 */
function checkText(bytes: Uint8Array, path: string): { lines: number } {
  const nul = bytes.indexOf(0);
  const invalid = isUtf8(bytes) ? null : firstInvalidUtf8(bytes);
  if (invalid !== null && (nul < 0 || invalid.at < nul)) notText(bytes, path, invalid.at, invalid.why);
  if (nul >= 0) notText(bytes, path, nul, 'a NUL byte');
  return { lines: countLines(bytes, bytes.length) };
}

function notText(bytes: Uint8Array, path: string, at: number, why: string): never {
  const line = countLines(bytes, at) + (at === 0 || isLineBreakEnd(bytes, at - 1) ? 1 : 0);
  return refuse(
    'SOURCE_ARCHIVE_NOT_TEXT',
    `${quote(path)} is not UTF-8 text (${why} at byte ${at}, line ${line}): save it as UTF-8, or leave it out if it is not a source file`,
  );
}

/** Lines in bytes[0, end): line breaks (\n, \r\n, lone \r), plus one for a last line without a break. */
function countLines(bytes: Uint8Array, end: number): number {
  let breaks = 0;
  for (let at = bytes.indexOf(0x0a); at >= 0 && at < end; at = bytes.indexOf(0x0a, at + 1)) breaks += 1;
  for (let at = bytes.indexOf(0x0d); at >= 0 && at < end; at = bytes.indexOf(0x0d, at + 1)) if (bytes[at + 1] !== 0x0a) breaks += 1;
  return breaks + (end > 0 && !isLineBreakEnd(bytes, end - 1) ? 1 : 0);
}

/** Whether a line break ends at `at` (a \n, or a \r not followed by \n). */
function isLineBreakEnd(bytes: Uint8Array, at: number): boolean {
  return bytes[at] === 0x0a || (bytes[at] === 0x0d && bytes[at + 1] !== 0x0a);
}

function firstInvalidUtf8(bytes: Uint8Array): { at: number; why: string } | null {
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i];
    if (byte < 0x80) {
      i += 1;
      continue;
    }
    let length: number;
    let min: number;
    let codePoint: number;
    if (byte >= 0xc2 && byte <= 0xdf) [length, min, codePoint] = [2, 0x80, byte & 0x1f];
    else if (byte >= 0xe0 && byte <= 0xef) [length, min, codePoint] = [3, 0x800, byte & 0x0f];
    else if (byte >= 0xf0 && byte <= 0xf4) [length, min, codePoint] = [4, 0x10000, byte & 0x07];
    else return { at: i, why: `an invalid byte 0x${byte.toString(16)}` };
    if (i + length > bytes.length) return { at: i, why: 'a truncated character' };
    const sequence = { at: i, why: `an invalid sequence starting with 0x${byte.toString(16)}` };
    for (let k = 1; k < length; k += 1) {
      const next = bytes[i + k];
      if ((next & 0xc0) !== 0x80) return sequence;
      codePoint = (codePoint << 6) | (next & 0x3f);
    }
    if (codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return sequence;
    i += length;
  }
  return null;
}
