/**
 * Test-only builders of zip and tar.gz archives, honest or hostile, byte by byte (the spec stays
 * self-contained: no zip/tar tool, no fixture files). Not used by the sandbox itself.
 */
import { constants, crc32, deflateRawSync, gzipSync } from 'node:zlib';

type Content = Uint8Array | string;

const bytesOf = (content: Content | undefined): Uint8Array =>
  typeof content === 'string' ? new TextEncoder().encode(content) : (content ?? new Uint8Array(0));

export interface ZipEntrySpec {
  name: string | Uint8Array;
  data?: Content;
  /** 0 stored, 8 deflate (default), or any other number to declare an unsupported method. */
  method?: number;
  /** Bytes to store as the entry's compressed data instead of compressing `data` (bombs). */
  compressed?: Uint8Array;
  /** Overrides the declared uncompressed size (default: `data`'s length). */
  declaredBytes?: number;
  /** Overrides the CRC-32 (default: `data`'s). */
  crc?: number;
  /** A Unix st_mode (e.g. 0o120777 for a symlink): written with "made by Unix". */
  unixMode?: number;
  flags?: number;
  /** Central directory disk-start field (non-zero: a split archive). */
  diskStart?: number;
}

export interface ZipOptions {
  comment?: string;
  /** Writes a ZIP64 end-of-central-directory locator before the end record. */
  zip64Locator?: boolean;
  /** The end record's "number of this disk". */
  disk?: number;
}

/** A zip (APPNOTE 6.3) with a local header and a central directory record per entry. */
export function buildZip(entries: ZipEntrySpec[], options: ZipOptions = {}): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const spec of entries) {
    const name = typeof spec.name === 'string' ? bytesOf(spec.name) : spec.name;
    const data = bytesOf(spec.data);
    const method = spec.method ?? 8;
    const compressed = spec.compressed ?? (method === 8 ? deflateRawSync(data) : data);
    const crc = spec.crc ?? crc32(data);
    const declared = spec.declaredBytes ?? data.length;
    const flags = spec.flags ?? 0x0800;

    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(6, flags, true);
    local.setUint16(8, method, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, compressed.length, true);
    local.setUint32(22, declared, true);
    local.setUint16(26, name.length, true);
    locals.push(new Uint8Array(local.buffer), name, compressed);

    const central = new DataView(new ArrayBuffer(46));
    central.setUint32(0, 0x02014b50, true);
    central.setUint16(4, spec.unixMode === undefined ? 20 : (3 << 8) | 20, true);
    central.setUint16(6, 20, true);
    central.setUint16(8, flags, true);
    central.setUint16(10, method, true);
    central.setUint32(16, crc, true);
    central.setUint32(20, compressed.length, true);
    central.setUint32(24, declared, true);
    central.setUint16(28, name.length, true);
    central.setUint16(34, spec.diskStart ?? 0, true);
    central.setUint32(38, spec.unixMode === undefined ? 0 : (spec.unixMode << 16) >>> 0, true);
    central.setUint32(42, offset, true);
    centrals.push(new Uint8Array(central.buffer), name);
    offset += 30 + name.length + compressed.length;
  }
  const centralBytes = centrals.reduce((sum, part) => sum + part.length, 0);
  const comment = bytesOf(options.comment);
  const parts = [...locals, ...centrals];
  if (options.zip64Locator) {
    const locator = new DataView(new ArrayBuffer(20));
    locator.setUint32(0, 0x07064b50, true);
    parts.push(new Uint8Array(locator.buffer));
  }
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(4, options.disk ?? 0, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, centralBytes, true);
  end.setUint32(16, offset, true);
  end.setUint16(20, comment.length, true);
  parts.push(new Uint8Array(end.buffer), comment);
  return concat(parts);
}

export interface TarEntrySpec {
  name: string;
  data?: Content;
  /** The typeflag: '0' file (default), '5' directory, '1' hard link, '2' symlink, '6' FIFO, 'x', 'g', 'L'… */
  type?: string;
  linkName?: string;
  /** Overrides the size field (default: `data`'s length). */
  size?: number;
  /** Adds 1 to the stored checksum. */
  corruptChecksum?: boolean;
}

/** A ustar header and its padded data. Names longer than 100 bytes must go through pax or GNU `L` entries. */
export function tarEntry(spec: TarEntrySpec): Uint8Array {
  const data = bytesOf(spec.data);
  const header = new Uint8Array(512);
  const put = (offset: number, length: number, text: string): void => {
    const encoded = bytesOf(text);
    if (encoded.length > length) throw new RangeError(`${JSON.stringify(text)} does not fit ${length} bytes`);
    header.set(encoded, offset);
  };
  const octal = (offset: number, length: number, value: number): void =>
    put(offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
  put(0, 100, spec.name);
  octal(100, 8, spec.type === '5' ? 0o755 : 0o644);
  octal(108, 8, 1000);
  octal(116, 8, 1000);
  octal(124, 12, spec.size ?? data.length);
  octal(136, 12, 1_700_000_000);
  header[156] = (spec.type ?? '0').charCodeAt(0);
  put(157, 100, spec.linkName ?? '');
  put(257, 6, 'ustar\0');
  put(263, 2, '00');
  put(265, 32, 'learner');
  put(297, 32, 'learner');
  header.fill(0x20, 148, 156);
  const sum = header.reduce((total, byte) => total + byte, 0) + (spec.corruptChecksum ? 1 : 0);
  put(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  const padded = new Uint8Array(Math.ceil(data.length / 512) * 512);
  padded.set(data);
  return concat([header, padded]);
}

/** A pax extended header (`x`, or `g` for a global one) holding `records`. */
export function paxEntry(records: Record<string, string>, type: 'x' | 'g' = 'x'): Uint8Array {
  const lines = Object.entries(records).map(([key, value]) => {
    const body = ` ${key}=${value}\n`;
    const bodyLength = bytesOf(body).length;
    let length = bodyLength + 1;
    while (String(length).length + bodyLength !== length) length += 1;
    return `${length}${body}`;
  });
  return tarEntry({ name: type === 'g' ? 'pax_global_header' : 'PaxHeaders/entry', type, data: lines.join('') });
}

/** A GNU long-name entry (`././@LongLink`, type `L`) naming the next entry. */
export function gnuLongNameEntry(name: string): Uint8Array {
  return tarEntry({ name: '././@LongLink', type: 'L', data: `${name}\0` });
}

/** Entries (from tarEntry/paxEntry/gnuLongNameEntry) and the two zero blocks that end a tar. */
export function buildTar(entries: Uint8Array[], { endBlocks = 2 }: { endBlocks?: number } = {}): Uint8Array {
  return concat([...entries, new Uint8Array(endBlocks * 512)]);
}

export function buildTarGz(entries: Uint8Array[], options: { endBlocks?: number } = {}): Uint8Array {
  return gzipSync(buildTar(entries, options));
}

const MIB = 1024 * 1024;
let zeroMebibyte: Uint8Array | undefined;

/**
 * A raw deflate stream of `mebibytes` MiB of zeros (≈ 1 KiB compressed per MiB), built by repeating
 * one sync-flushed block of 1 MiB: a bomb of any size without ever holding its output.
 * `prefix` is compressed in front of the zeros (a tar header).
 */
export function deflatedZeros(mebibytes: number, prefix?: Uint8Array): Uint8Array {
  zeroMebibyte ??= deflateRawSync(new Uint8Array(MIB), { finishFlush: constants.Z_SYNC_FLUSH });
  const parts: Uint8Array[] = [];
  if (prefix) parts.push(deflateRawSync(prefix, { finishFlush: constants.Z_SYNC_FLUSH }));
  for (let i = 0; i < mebibytes; i += 1) parts.push(zeroMebibyte);
  parts.push(new Uint8Array([0x03, 0x00])); // an empty final block
  return concat(parts);
}

/** Wraps a raw deflate stream as gzip; the trailer's CRC-32 and length are zeros (never reached by a capped reader). */
export function gzipOfRawDeflate(raw: Uint8Array): Uint8Array {
  return concat([new Uint8Array([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff]), raw, new Uint8Array(8)]);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
