/**
 * The contract of the source-archive sandbox: the archive of a PORT_TO_JAX port (a .zip or a
 * .tar.gz of Python sources) in, its listing out, for the mentor's review. Nothing in it is ever
 * executed or written to disk. Task and result are plain data (they cross the sandbox host's IPC and
 * the Piscina boundary as a structured clone).
 */

export interface SourceArchiveLimits {
  /** Largest accepted archive, in bytes, as uploaded (checked before anything is parsed). */
  maxArchiveBytes: number;
  /** Most regular files (directories are not counted). */
  maxFiles: number;
  /** Largest file, uncompressed. */
  maxFileBytes: number;
  /** Largest sum of the files' sizes, uncompressed. */
  maxTotalBytes: number;
  /** Accepted file-name extensions with their dot (".py"), compared case-insensitively. */
  allowedExtensions: readonly string[];
}

export interface SourceArchiveTask {
  /** The learner's archive (untrusted). */
  archive: Uint8Array;
  limits: SourceArchiveLimits;
}

/**
 * 5 MiB archive, 500 files of ≤ 1 MiB and ≤ 20 MiB together. Python sources and stubs plus the text
 * a port usually carries (README, requirements, pyproject/setup.cfg, configs, JSON); notebooks
 * (.ipynb: embedded outputs, base64 images), compiled or binary files, pickles and weights are not.
 */
export const DEFAULT_SOURCE_ARCHIVE_LIMITS: SourceArchiveLimits = Object.freeze({
  maxArchiveBytes: 5 * 1024 * 1024,
  maxFiles: 500,
  maxFileBytes: 1024 * 1024,
  maxTotalBytes: 20 * 1024 * 1024,
  allowedExtensions: Object.freeze(['.py', '.pyi', '.md', '.txt', '.toml', '.cfg', '.ini', '.yaml', '.yml', '.json']),
});

/** Paths longer than this (in UTF-16 code units, after normalisation) are refused as unsafe. */
export const MAX_SOURCE_PATH_CHARS = 1024;

/** Why an archive is refused. The first failure in archive order is reported (see README.md). */
export type SourceArchiveCode =
  /** The archive is larger than `limits.maxArchiveBytes` (checked before parsing). */
  | 'SOURCE_ARCHIVE_TOO_LARGE'
  /**
   * Neither a zip nor a gzip'd tar (or another format: plain tar, 7z, rar, xz…); empty, corrupt or
   * truncated; a bad CRC-32 or tar header checksum; ZIP64, split archives, encryption, a compression
   * method other than stored/deflate, sparse files, pax keys that would change the listing.
   */
  | 'SOURCE_ARCHIVE_UNREADABLE'
  /** A path that is absolute, has a `..` or empty segment, a backslash, a drive letter, a control character (NUL…), is empty, too long or not UTF-8. */
  | 'SOURCE_ARCHIVE_UNSAFE_PATH'
  /** A symbolic or hard link, a device, a FIFO or a socket (tar entry type; zip Unix mode). */
  | 'SOURCE_ARCHIVE_LINK'
  /** A file whose extension is not in `limits.allowedExtensions` (or macOS metadata: `__MACOSX/`, `._*`, `.DS_Store`). */
  | 'SOURCE_ARCHIVE_FILE_TYPE'
  /** More than `limits.maxFiles` files. */
  | 'SOURCE_ARCHIVE_TOO_MANY_FILES'
  /** A file, or all files together, declare or inflate to more than `maxFileBytes` / `maxTotalBytes`; inflation stops at the limit. */
  | 'SOURCE_ARCHIVE_BOMB'
  /** No `.py` file at all (an empty archive included). */
  | 'SOURCE_ARCHIVE_NO_PYTHON'
  /** The same path twice (after dropping `.` segments), or a path that is both a file and a folder. */
  | 'SOURCE_ARCHIVE_DUPLICATE'
  /** A file that is not UTF-8 text (an invalid byte sequence or a NUL byte). */
  | 'SOURCE_ARCHIVE_NOT_TEXT';

// A Record, so that a code missing here (or one too many) fails to compile.
const CODES: Record<SourceArchiveCode, true> = {
  SOURCE_ARCHIVE_TOO_LARGE: true,
  SOURCE_ARCHIVE_UNREADABLE: true,
  SOURCE_ARCHIVE_UNSAFE_PATH: true,
  SOURCE_ARCHIVE_LINK: true,
  SOURCE_ARCHIVE_FILE_TYPE: true,
  SOURCE_ARCHIVE_TOO_MANY_FILES: true,
  SOURCE_ARCHIVE_BOMB: true,
  SOURCE_ARCHIVE_NO_PYTHON: true,
  SOURCE_ARCHIVE_DUPLICATE: true,
  SOURCE_ARCHIVE_NOT_TEXT: true,
};
/** Every {@link SourceArchiveCode}. */
export const SOURCE_ARCHIVE_CODES: readonly SourceArchiveCode[] = Object.freeze(Object.keys(CODES) as SourceArchiveCode[]);

export interface ListedSourceFile {
  /** Relative path with `/` separators, `.` segments dropped (`./src/a.py` → `src/a.py`). */
  path: string;
  /** Size, uncompressed. */
  bytes: number;
  /** SHA-256 of the file's bytes, lowercase hex. */
  sha256: string;
  /** Lines of text: line breaks (`\n`, `\r\n`, lone `\r`), plus one when the last line has none. */
  lines: number;
}

export type SourceArchiveResult =
  | {
      ok: true;
      format: 'zip' | 'tar.gz';
      /** Sorted by path (UTF-16 code-unit order). */
      files: ListedSourceFile[];
      /** Sum of `files[].bytes`. */
      totalBytes: number;
    }
  | {
      ok: false;
      code: SourceArchiveCode;
      /** For the learner: what is wrong, where (the entry's path or position) and what to change. */
      message: string;
    };
