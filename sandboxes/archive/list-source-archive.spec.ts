import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { DEFAULT_SOURCE_ARCHIVE_LIMITS, listSourceArchive, type SourceArchiveLimits, type SourceArchiveResult } from './index';
import {
  buildTar,
  buildTarGz,
  buildZip,
  concat,
  deflatedZeros,
  gnuLongNameEntry,
  gzipOfRawDeflate,
  paxEntry,
  tarEntry,
  type ZipEntrySpec,
} from './source-archive.factory';

const MIB = 1024 * 1024;
const MODEL_PY = 'import jax.numpy as jnp\n\n\ndef mlp(params, x):\n    return jnp.tanh(x @ params["w"])\n';
const EXPORT_PY = '# -*- coding: utf-8 -*-\r\nfrom model import mlp  # « ported »\r\nprint(mlp)';
const README_MD = '# LayerNorm MLP in JAX\n\nParity: 3e-7\n';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

function list(archive: Uint8Array, limits: Partial<SourceArchiveLimits> = {}): SourceArchiveResult {
  return listSourceArchive({ archive, limits: { ...DEFAULT_SOURCE_ARCHIVE_LIMITS, ...limits } });
}

/** The refusal's code and message; fails the test when the archive was accepted. */
function refusal(result: SourceArchiveResult): { code: string; message: string } {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result)}`);
  return { code: result.code, message: result.message };
}

const portZip = (extra: ZipEntrySpec[] = []): Uint8Array =>
  buildZip([
    { name: 'port/', method: 0, unixMode: 0o040755 },
    { name: 'port/model.py', data: MODEL_PY, unixMode: 0o100644 },
    { name: 'port/export.py', data: EXPORT_PY, method: 0 },
    { name: 'port/README.md', data: README_MD },
    ...extra,
  ]);

const expectedListing = (prefix: string) => [
  { path: `${prefix}README.md`, bytes: utf8Bytes(README_MD), sha256: sha256(README_MD), lines: 3 },
  { path: `${prefix}export.py`, bytes: utf8Bytes(EXPORT_PY), sha256: sha256(EXPORT_PY), lines: 3 },
  { path: `${prefix}model.py`, bytes: utf8Bytes(MODEL_PY), sha256: sha256(MODEL_PY), lines: 5 },
];

/** xorshift32: the same "random" bytes on every run. */
function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i += 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state & 0xff;
  }
  return out;
}

describe('listSourceArchive', () => {
  describe('lists an honest archive', () => {
    it('lists a zip of two .py files and a README with sizes, sha256 and lines, sorted by path, without its folder', () => {
      const result = list(portZip());
      expect(result).toEqual({
        ok: true,
        format: 'zip',
        files: expectedListing('port/'),
        totalBytes: utf8Bytes(MODEL_PY) + utf8Bytes(EXPORT_PY) + utf8Bytes(README_MD),
      });
    });

    it('lists the same files from a tar.gz made with `tar czf x.tar.gz .` (./ prefixes, a ./ folder)', () => {
      const archive = buildTarGz([
        tarEntry({ name: './', type: '5' }),
        tarEntry({ name: './model.py', data: MODEL_PY }),
        tarEntry({ name: './export.py', data: EXPORT_PY }),
        tarEntry({ name: './README.md', data: README_MD }),
      ]);
      expect(list(archive)).toEqual({
        ok: true,
        format: 'tar.gz',
        files: expectedListing(''),
        totalBytes: utf8Bytes(MODEL_PY) + utf8Bytes(EXPORT_PY) + utf8Bytes(README_MD),
      });
    });

    it("reads pax paths and sizes, GNU long names and git archive's pax global header", () => {
      const deep = `port/${'a'.repeat(90)}/${'b'.repeat(90)}`;
      const archive = buildTarGz([
        paxEntry({ comment: '472bd59c0ffee' }, 'g'),
        paxEntry({ path: `${deep}/layers.py`, mtime: '1700000000.5', 'LIBARCHIVE.xattr.user.x': 'eA==' }),
        tarEntry({ name: 'truncated-name-ignored', data: 'x = 1\n' }),
        paxEntry({ size: '4' }),
        tarEntry({ name: 'port/sized.py', data: 'y=2\n', size: 0 }),
        gnuLongNameEntry(`${deep}/gnu_long.py`),
        tarEntry({ name: 'ignored-short-name', data: 'z = 3' }),
      ]);
      const result = list(archive);
      expect(result.ok && result.files.map(({ path, bytes, lines }) => ({ path, bytes, lines }))).toEqual([
        { path: `${deep}/gnu_long.py`, bytes: 5, lines: 1 },
        { path: `${deep}/layers.py`, bytes: 6, lines: 1 },
        { path: 'port/sized.py', bytes: 4, lines: 1 },
      ]);
    });

    it('counts lines as Python does: \\n, \\r\\n and lone \\r; an empty file has none', () => {
      const archive = buildZip([
        { name: 'empty.py', data: '' },
        { name: 'mac.py', data: 'a\rb\rc' },
        { name: 'blank.py', data: '\n\n\n' },
        { name: 'bom.py', data: '\ufeffx = "ü"\n' },
      ]);
      const result = list(archive);
      expect(result.ok && Object.fromEntries(result.files.map((file) => [file.path, file.lines]))).toEqual({
        'blank.py': 3,
        'bom.py': 1,
        'empty.py': 0,
        'mac.py': 3,
      });
    });

    it('accepts a zip with a comment and skips folders in the file count', () => {
      const folders = ['a/', 'a/b/', 'a/b/c/', 'd/'].map((name) => ({ name, method: 0 }));
      const files = ['a/1.py', 'a/b/2.py', 'd/3.py'].map((name) => ({ name, data: 'pass\n' }));
      const result = list(buildZip([...folders, ...files], { comment: `PK\u0005\u0006${'x'.repeat(30)}` }), { maxFiles: 3 });
      expect(result.ok && result.files.length).toBe(3);
    });
  });

  it('SOURCE_ARCHIVE_TOO_LARGE: an archive above maxArchiveBytes, before parsing', () => {
    const archive = portZip();
    expect(list(archive, { maxArchiveBytes: archive.length }).ok).toBe(true);
    const { code, message } = refusal(list(archive, { maxArchiveBytes: archive.length - 1 }));
    expect(code).toBe('SOURCE_ARCHIVE_TOO_LARGE');
    expect(message).toMatch(/^the archive is .* at most .* is accepted/);
  });

  describe('SOURCE_ARCHIVE_UNREADABLE', () => {
    it.each([
      ['random bytes', pseudoRandomBytes(4096, 0x9e3779b9), /neither a \.zip nor a \.tar\.gz \(it starts with the bytes/],
      ['an empty upload', new Uint8Array(0), /empty \(0 bytes\)/],
      ['an uncompressed tar', buildTar([tarEntry({ name: 'a.py', data: 'x=1\n' })]), /an uncompressed tar \(gzip it/],
      ['a 7z archive', new Uint8Array([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]), /a 7z archive/],
      ['a gzip of a single .py file', gzipSync(MODEL_PY), /does not hold a tar archive/],
    ])('refuses %s', (_label, archive, pattern) => {
      const { code, message } = refusal(list(archive));
      expect(code).toBe('SOURCE_ARCHIVE_UNREADABLE');
      expect(message).toMatch(pattern);
    });

    it('refuses a truncated zip and a truncated tar.gz', () => {
      const zip = portZip();
      expect(refusal(list(zip.subarray(0, zip.length - 10)))).toEqual({
        code: 'SOURCE_ARCHIVE_UNREADABLE',
        message: expect.stringContaining('no end-of-central-directory record'),
      });
      const tarGz = buildTarGz([tarEntry({ name: 'a.py', data: MODEL_PY })]);
      expect(refusal(list(tarGz.subarray(0, tarGz.length - 20)))).toEqual({
        code: 'SOURCE_ARCHIVE_UNREADABLE',
        message: expect.stringContaining('gzip stream is truncated'),
      });
      const shortTar = gzipSync(buildTar([tarEntry({ name: 'a.py', data: MODEL_PY })]).subarray(0, 520));
      expect(refusal(list(shortTar)).message).toContain('truncated in the data of entry 1');
    });

    it('refuses a zip entry whose CRC-32 does not match its content, naming it', () => {
      const { code, message } = refusal(list(portZip([{ name: 'port/weights.py', data: 'W = [1, 2]\n', crc: 0xdeadbeef }])));
      expect(code).toBe('SOURCE_ARCHIVE_UNREADABLE');
      expect(message).toMatch(/^"port\/weights\.py" \(entry 5\) fails its CRC-32 check/);
    });

    it('refuses a zip entry that inflates to another size than it declares', () => {
      const { message } = refusal(list(buildZip([{ name: 'a.py', data: 'x = 1\n', declaredBytes: 5 }])));
      expect(message).toContain('holds 6 bytes but declares 5');
    });

    it('refuses a tar.gz whose gzip CRC-32 is wrong, and a tar header with a bad checksum', () => {
      const tarGz = buildTarGz([tarEntry({ name: 'a.py', data: MODEL_PY })]);
      tarGz[tarGz.length - 8] ^= 0xff;
      expect(refusal(list(tarGz)).message).toContain('fails its CRC-32 or length check');
      const badHeader = buildTarGz([
        tarEntry({ name: 'a.py', data: MODEL_PY }),
        tarEntry({ name: 'b.py', data: 'x', corruptChecksum: true }),
      ]);
      expect(refusal(list(badHeader))).toEqual({
        code: 'SOURCE_ARCHIVE_UNREADABLE',
        message: expect.stringContaining('tar header of entry 2 fails its checksum'),
      });
    });

    it.each([
      ['ZIP64', buildZip([{ name: 'a.py', data: 'x' }], { zip64Locator: true }), /uses ZIP64/],
      ['a multi-disk zip', buildZip([{ name: 'a.py', data: 'x' }], { disk: 1 }), /split over several files/],
      ['an encrypted entry', buildZip([{ name: 'a.py', data: 'x', flags: 0x0801 }]), /"a\.py" \(entry 1\) is encrypted/],
      ['a bzip2 entry', buildZip([{ name: 'a.py', data: 'x', method: 12, compressed: new Uint8Array(4) }]), /compressed with bzip2/],
      [
        'a corrupt deflate stream',
        buildZip([{ name: 'a.py', data: 'x', compressed: new Uint8Array([0xff, 0xff, 0xff]) }]),
        /compressed data is corrupt/,
      ],
      ['a GNU sparse file', buildTarGz([tarEntry({ name: 'a.py', data: 'x', type: 'S' })]), /GNU sparse file/],
      [
        'a pax global path',
        buildTarGz([paxEntry({ path: 'x.py' }, 'g'), tarEntry({ name: 'a.py', data: 'x' })]),
        /pax global header sets "path"/,
      ],
    ])('refuses %s', (_label, archive, pattern) => {
      const { code, message } = refusal(list(archive));
      expect(code).toBe('SOURCE_ARCHIVE_UNREADABLE');
      expect(message).toMatch(pattern);
    });

    it('refuses data after the end-of-archive marker of a tar (a second archive), and tolerates a missing marker', () => {
      const hidden = gzipSync(concat([buildTar([tarEntry({ name: 'a.py', data: 'x' })]), tarEntry({ name: 'b.py', data: 'y' })]));
      expect(refusal(list(hidden)).message).toContain('data after its end-of-archive marker');
      expect(list(buildTarGz([tarEntry({ name: 'a.py', data: 'x' })], { endBlocks: 0 })).ok).toBe(true);
    });

    it('refuses a zip entry whose local header names another file', () => {
      const archive = buildZip([
        { name: 'a.py', data: 'x = 1\n' },
        { name: 'b.py', data: 'y = 2\n' },
      ]);
      const view = new DataView(archive.buffer, archive.byteOffset);
      const secondCentral = view.getUint32(archive.length - 22 + 16, true) + 46 + 'a.py'.length;
      view.setUint32(secondCentral + 42, 0, true); // b.py's record points at a.py's local header
      expect(refusal(list(archive)).message).toContain('"b.py" (entry 2) is named "a.py" in its local header');
    });

    it('refuses zip entries whose data overlap (the overlapping-file bomb)', () => {
      const archive = buildZip([
        { name: 'a.py', data: 'x = 1\n', method: 0 },
        { name: 'b.py', data: 'y = 2\n', method: 0 },
      ]);
      const view = new DataView(archive.buffer, archive.byteOffset);
      const firstCentral = view.getUint32(archive.length - 22 + 16, true);
      view.setUint32(firstCentral + 20, 6 + 30 + 4 + 6, true); // a.py's data now spans b.py's entry
      view.setUint32(firstCentral + 24, 6 + 30 + 4 + 6, true);
      expect(refusal(list(archive))).toEqual({
        code: 'SOURCE_ARCHIVE_UNREADABLE',
        message: expect.stringContaining('"b.py" (entry 2) overlaps "a.py" (entry 1)'),
      });
    });
  });

  describe('SOURCE_ARCHIVE_UNSAFE_PATH', () => {
    it.each([
      ['a zip slip', buildZip([{ name: '../../etc/x.py', data: 'x' }]), /"\.\.\/\.\.\/etc\/x\.py" \(entry 1\) has a "\.\." segment/],
      ['an absolute tar path', buildTarGz([tarEntry({ name: '/tmp/x.py', data: 'x' })]), /"\/tmp\/x\.py" \(entry 1\) is an absolute path/],
      [
        'a .. hidden in a pax path',
        buildTarGz([paxEntry({ path: 'port/../../x.py' }), tarEntry({ name: 'x.py', data: 'x' })]),
        /"\.\." segment/,
      ],
      ['a backslash', buildZip([{ name: 'port\\model.py', data: 'x' }]), /has a backslash/],
      ['a drive letter', buildZip([{ name: 'C:/port/model.py', data: 'x' }]), /starts with a drive letter/],
      ['a NUL in a name', buildZip([{ name: 'model.py\u0000.txt', data: 'x' }]), /has a NUL character/],
      ['a newline in a name', buildZip([{ name: 'model\n.py', data: 'x' }]), /has a control character/],
      ['an empty name', buildZip([{ name: '', data: 'x' }]), /^entry 1 has an empty name/],
      ['an empty segment', buildZip([{ name: 'port//model.py', data: 'x' }]), /empty path segment/],
      [
        'a name that is not UTF-8',
        buildZip([{ name: new Uint8Array([0x6d, 0xe9, 0x2e, 0x70, 0x79]), data: 'x', flags: 0 }]),
        /not valid UTF-8/,
      ],
      [
        'a folder outside the root',
        buildTarGz([tarEntry({ name: '../', type: '5' }), tarEntry({ name: 'a.py', data: 'x' })]),
        /"\.\." segment/,
      ],
    ])('refuses %s', (_label, archive, pattern) => {
      const { code, message } = refusal(list(archive));
      expect(code).toBe('SOURCE_ARCHIVE_UNSAFE_PATH');
      expect(message).toMatch(pattern);
    });
  });

  describe('SOURCE_ARCHIVE_LINK', () => {
    it.each([
      ['a symlink in a tar', tarEntry({ name: 'port/data.py', type: '2', linkName: '/etc/passwd' }), 'a symbolic link'],
      ['a hard link in a tar', tarEntry({ name: 'port/copy.py', type: '1', linkName: 'port/model.py' }), 'a hard link'],
      ['a character device in a tar', tarEntry({ name: 'port/tty.py', type: '3' }), 'a character device'],
      ['a FIFO in a tar', tarEntry({ name: 'port/pipe.py', type: '6' }), 'a FIFO'],
    ])('refuses %s', (_label, special, what) => {
      const archive = buildTarGz([tarEntry({ name: 'port/model.py', data: MODEL_PY }), special]);
      const { code, message } = refusal(list(archive));
      expect(code).toBe('SOURCE_ARCHIVE_LINK');
      expect(message).toMatch(new RegExp(`^"port/\\w+\\.py" \\(entry 2\\) is ${what};`));
    });

    it('refuses a zip entry with the Unix symlink mode (zip --symlinks)', () => {
      const { code, message } = refusal(list(portZip([{ name: 'port/link.py', data: 'model.py', method: 0, unixMode: 0o120777 }])));
      expect(code).toBe('SOURCE_ARCHIVE_LINK');
      expect(message).toContain('"port/link.py" (entry 5) is a symbolic link');
    });
  });

  describe('SOURCE_ARCHIVE_FILE_TYPE', () => {
    it.each([
      ['a shared library', 'port/_ops.so', 'has the extension .so'],
      ['compiled Python', 'port/__pycache__/model.cpython-312.pyc', 'has the extension .pyc'],
      ['a pickle', 'port/params.pkl', 'has the extension .pkl'],
      ['weights', 'port/params.npz', 'has the extension .npz'],
      ['a notebook', 'port/explore.ipynb', 'has the extension .ipynb'],
      ['a file without an extension', 'port/Makefile', 'has no extension'],
      ['macOS metadata', '__MACOSX/port/._model.py', 'is macOS Finder metadata'],
    ])('refuses %s, naming the file', (_label, name, what) => {
      const { code, message } = refusal(list(portZip([{ name, data: 'x' }])));
      expect(code).toBe('SOURCE_ARCHIVE_FILE_TYPE');
      expect(message).toContain(`${JSON.stringify(name)} (entry 5) ${what}`);
    });

    it('compares extensions case-insensitively and honours the limits given', () => {
      expect(list(buildZip([{ name: 'MODEL.PY', data: 'x' }])).ok).toBe(true);
      expect(refusal(list(portZip(), { allowedExtensions: ['.py'] })).message).toContain(
        '"port/README.md" (entry 4) has the extension .md',
      );
    });
  });

  it('SOURCE_ARCHIVE_TOO_MANY_FILES: more files than maxFiles (folders are not counted)', () => {
    const files = Array.from({ length: 4 }, (_, i) => ({ name: `port/m${i}.py`, data: 'pass\n' }));
    expect(list(buildZip(files), { maxFiles: 4 }).ok).toBe(true);
    const { code, message } = refusal(list(buildZip(files), { maxFiles: 3 }));
    expect(code).toBe('SOURCE_ARCHIVE_TOO_MANY_FILES');
    expect(message).toContain('more than 3 files (file 4 is "port/m3.py")');
  });

  describe('SOURCE_ARCHIVE_BOMB', () => {
    it('refuses 10 MiB of zeros in a 10 KiB zip that declares its size, without inflating', () => {
      const archive = buildZip([{ name: 'zeros.py', compressed: deflatedZeros(10), declaredBytes: 10 * MIB, crc: 0 }]);
      expect(archive.length).toBeLessThan(11 * 1024);
      const { code, message } = refusal(list(archive));
      expect(code).toBe('SOURCE_ARCHIVE_BOMB');
      expect(message).toBe('"zeros.py" is 10 MiB uncompressed; each file may be at most 1 MiB: leave out data and generated files');
    });

    it('stops inflating at the per-file limit an entry that lies about its size (1 GiB of zeros declared as 100 bytes)', () => {
      // A CRC of 0 cannot match 100 bytes of anything inflated in full; BOMB (not UNREADABLE) shows zlib stopped at 1 MiB.
      const archive = buildZip([{ name: 'zeros.py', compressed: deflatedZeros(1024), declaredBytes: 100, crc: 0 }]);
      expect(archive.length).toBeLessThan(DEFAULT_SOURCE_ARCHIVE_LIMITS.maxArchiveBytes);
      const { code, message } = refusal(list(archive));
      expect(code).toBe('SOURCE_ARCHIVE_BOMB');
      expect(message).toContain('"zeros.py" inflates to more than 1 MiB although it declares 100 bytes (inflation stopped there)');
    });

    it('stops gunzipping a tar.gz of a 1 GiB file at the cap (its gzip trailer is never reached)', () => {
      const header = tarEntry({ name: 'zeros.py', size: 1024 * MIB });
      const archive = gzipOfRawDeflate(deflatedZeros(1024, header));
      const { code, message } = refusal(list(archive));
      expect(code).toBe('SOURCE_ARCHIVE_BOMB');
      expect(message).toMatch(/^the \.tar\.gz inflates to more than [\d.]+ MiB \(inflation stopped there\)/);
    });

    it('refuses a tar file above maxFileBytes and files above maxTotalBytes together, naming where', () => {
      const half = 'x'.repeat(MIB / 2);
      const big = buildTarGz([tarEntry({ name: 'a.py', data: 'x'.repeat(MIB + 1) })]);
      expect(refusal(list(big))).toEqual({
        code: 'SOURCE_ARCHIVE_BOMB',
        message: expect.stringContaining('"a.py" is 1048577 bytes uncompressed; each file may be at most 1 MiB'),
      });
      const many = buildZip(['a.py', 'b.py', 'c.py'].map((name) => ({ name, data: half })));
      expect(list(many, { maxTotalBytes: 3 * (MIB / 2) }).ok).toBe(true);
      const { code, message } = refusal(list(many, { maxTotalBytes: MIB }));
      expect(code).toBe('SOURCE_ARCHIVE_BOMB');
      expect(message).toContain('the files up to "c.py" hold 1.5 MiB uncompressed; at most 1 MiB in total');
    });

    it('stops at the total limit when the remaining budget is below the per-file limit', () => {
      const archive = buildZip([
        { name: 'a.py', data: 'x'.repeat(3000) },
        { name: 'b.py', compressed: deflatedZeros(1), declaredBytes: 10, crc: 0 },
      ]);
      const { code, message } = refusal(list(archive, { maxTotalBytes: 4096 }));
      expect(code).toBe('SOURCE_ARCHIVE_BOMB');
      expect(message).toContain('the files up to "b.py" inflate to more than 4 KiB (inflation stopped there)');
    });
  });

  describe('SOURCE_ARCHIVE_NO_PYTHON', () => {
    it.each([
      [
        'only text files',
        buildZip([
          { name: 'README.md', data: README_MD },
          { name: 'notes.txt', data: 'todo' },
        ]),
        'it holds 2 files: "README.md", "notes.txt"',
      ],
      ['an empty zip', buildZip([]), 'it holds no files at all'],
      ['an empty tar.gz', buildTarGz([]), 'it holds no files at all'],
      ['only folders', buildTarGz([tarEntry({ name: 'port/', type: '5' })]), 'it holds no files at all'],
    ])('refuses %s', (_label, archive, held) => {
      const { code, message } = refusal(list(archive));
      expect(code).toBe('SOURCE_ARCHIVE_NO_PYTHON');
      expect(message).toBe(`the archive holds no .py file (${held}): include your JAX port's Python sources`);
    });
  });

  describe('SOURCE_ARCHIVE_DUPLICATE', () => {
    it('refuses the same path twice, also when spelled with ./', () => {
      const archive = buildTarGz([
        tarEntry({ name: 'port/model.py', data: MODEL_PY }),
        tarEntry({ name: './port/./model.py', data: 'evil = 1\n' }),
      ]);
      expect(refusal(list(archive))).toEqual({
        code: 'SOURCE_ARCHIVE_DUPLICATE',
        message: '"port/model.py" is in the archive twice (entries 1 and 2): re-create the archive so that each file appears once',
      });
    });

    it('refuses a path that is both a file and a folder', () => {
      const archive = buildZip([
        { name: 'port/model.py/inner.py', data: 'x' },
        { name: 'port/model.py', data: 'y' },
      ]);
      const { code, message } = refusal(list(archive));
      expect(code).toBe('SOURCE_ARCHIVE_DUPLICATE');
      expect(message).toContain('"port/model.py" is both a file and the folder of "port/model.py/inner.py"');
    });
  });

  describe('SOURCE_ARCHIVE_NOT_TEXT', () => {
    it.each([
      [
        'Latin-1 text',
        new Uint8Array([...Buffer.from('# ok\nname = "'), 0xe9, 0x22, 0x0a]),
        'an invalid sequence starting with 0xe9 at byte 13, line 2',
      ],
      ['a NUL byte', new Uint8Array([...Buffer.from('x = 1\n\n'), 0, 1, 2]), 'a NUL byte at byte 7, line 3'],
      ['an overlong encoding', new Uint8Array([0xc0, 0xaf]), 'an invalid byte 0xc0 at byte 0, line 1'],
      ['a UTF-16 surrogate', new Uint8Array([0xed, 0xa0, 0x80]), 'an invalid sequence starting with 0xed at byte 0, line 1'],
      ['a truncated character', new Uint8Array([0x61, 0xe2, 0x82]), 'a truncated character at byte 1'],
    ])('refuses %s, with where', (_label, data, where) => {
      const { code, message } = refusal(list(portZip([{ name: 'port/data.py', data }])));
      expect(code).toBe('SOURCE_ARCHIVE_NOT_TEXT');
      expect(message).toContain(`"port/data.py" is not UTF-8 text (${where}`);
    });
  });

  it('refuses each hostile archive with the first failure in archive order (a symlink before a .so)', () => {
    const archive = buildTarGz([
      tarEntry({ name: 'a.py', data: 'x' }),
      tarEntry({ name: 'b.py', type: '2', linkName: 'a.py' }),
      tarEntry({ name: 'c.so', data: 'ELF' }),
    ]);
    expect(refusal(list(archive)).code).toBe('SOURCE_ARCHIVE_LINK');
  });

  it('throws INVALID_TASK for limits that are not positive whole numbers or extensions without a dot', () => {
    const archive = portZip();
    expect(() => list(archive, { maxFiles: 0 })).toThrow('INVALID_TASK: limits.maxFiles must be a whole number ≥ 1, got 0');
    expect(() => list(archive, { allowedExtensions: ['py'] })).toThrow('INVALID_TASK: limits.allowedExtensions holds "py"');
    expect(() => listSourceArchive({ archive: 'PK' as unknown as Uint8Array, limits: DEFAULT_SOURCE_ARCHIVE_LIMITS })).toThrow(
      'INVALID_TASK: archive must be a Uint8Array',
    );
  });

  it('has the documented defaults', () => {
    expect(DEFAULT_SOURCE_ARCHIVE_LIMITS).toEqual({
      maxArchiveBytes: 5 * MIB,
      maxFiles: 500,
      maxFileBytes: MIB,
      maxTotalBytes: 20 * MIB,
      allowedExtensions: ['.py', '.pyi', '.md', '.txt', '.toml', '.cfg', '.ini', '.yaml', '.yml', '.json'],
    });
  });
});
