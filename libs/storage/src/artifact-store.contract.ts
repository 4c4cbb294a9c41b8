// One contract, run against every ArtifactStore implementation (see *.spec.ts beside this file).
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ArtifactStore } from './artifact-store';
import {
  ArtifactBodyError,
  ArtifactCorruptedError,
  ArtifactNotFoundError,
  ArtifactTooLargeError,
  InvalidDigestError,
} from './artifact-store.errors';

export interface ArtifactStoreHarness {
  store: ArtifactStore;
  /** Names of the temporary files or keys in the store (uploads in progress or left behind). */
  listTemporaries(): Promise<string[]>;
  /** Every stored artifact's file or key, to prove there is one copy per digest. */
  listStored(): Promise<string[]>;
  /** Replaces the stored bytes of `sha256` behind the store's back (bit rot, tampering). */
  tamper(sha256: string, bytes: Buffer): Promise<void>;
  /** Counts of I/O the store performed (file opens or S3 requests), to prove validation comes first. */
  ioCount(): number;
}

const MiB = 1024 * 1024;

function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A body that yields `chunks`, then fails; the failure is what a dropped connection looks like. */
function failingBody(chunks: Buffer[], error: Error): Readable {
  return Readable.from(
    (async function* () {
      for (const chunk of chunks) yield chunk;
      throw error;
    })(),
  );
}

/** `totalBytes` of deterministic pseudo-random data generated chunk by chunk, never held whole. */
function generatedBody(totalBytes: number, seed: number): { body: Readable; digest: () => string } {
  const hash = createHash('sha256');
  let digest: string | undefined;
  async function* chunks(): AsyncGenerator<Buffer> {
    let state = seed >>> 0;
    let remaining = totalBytes;
    while (remaining > 0) {
      const chunk = Buffer.allocUnsafe(Math.min(256 * 1024, remaining));
      for (let offset = 0; offset + 4 <= chunk.length; offset += 4) {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        chunk.writeUInt32LE(state, offset);
      }
      hash.update(chunk);
      remaining -= chunk.length;
      yield chunk;
    }
    digest = hash.digest('hex');
  }
  return {
    body: Readable.from(chunks()),
    digest: () => {
      if (digest === undefined) throw new Error('body not consumed');
      return digest;
    },
  };
}

/** Drains a stream, returning its bytes' digest and size; rejects with the stream's error. */
async function drain(stream: Readable): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** V8's collector, reachable without --expose-gc on the command line (the flag may be set at run time). */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

interface MemoryPeaks<T> {
  result: T;
  /** Peak resident set size over the baseline; includes garbage not yet collected. */
  rssDeltaBytes: number;
  /** Peak of live JS heap + array buffers (sampled right after a full collection) over the baseline. */
  liveDeltaBytes: number;
}

/**
 * Measures memory while `work` runs. Live memory (what is still referenced after a collection) is
 * what "not held in memory" means; RSS is reported too but mostly reflects when V8 chose to collect.
 */
async function measureMemory<T>(work: () => Promise<T>): Promise<MemoryPeaks<T>> {
  const gc = exposeGc();
  const live = (): number => {
    const usage = process.memoryUsage();
    return usage.heapUsed + usage.arrayBuffers;
  };
  gc();
  const rssBefore = process.memoryUsage.rss();
  const liveBefore = live();
  let rssPeak = rssBefore;
  let livePeak = liveBefore;
  // A full collection costs more the bigger the heap, and a Jest worker's heap grows with every suite
  // it has run: collecting every 50 ms regardless starved the transfer on a busy CI machine (a 7 s
  // test took over 240 s). Waiting nine times as long as the last collection took keeps the
  // sampler's share of the CPU under 10 % whatever the heap size.
  let timer: NodeJS.Timeout | undefined;
  const sample = (): void => {
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
    const started = performance.now();
    gc();
    livePeak = Math.max(livePeak, live());
    timer = setTimeout(sample, Math.max(50, 9 * (performance.now() - started)));
  };
  timer = setTimeout(sample, 50);
  try {
    const result = await work();
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
    return { result, rssDeltaBytes: rssPeak - rssBefore, liveDeltaBytes: livePeak - liveBefore };
  } finally {
    clearTimeout(timer);
  }
}

export function describeArtifactStoreContract(
  name: string,
  setUp: () => Promise<ArtifactStoreHarness>,
  tearDown: () => Promise<void>,
): void {
  describe(`${name}: ArtifactStore contract`, () => {
    let harness: ArtifactStoreHarness;
    let store: ArtifactStore;

    beforeAll(async () => {
      harness = await setUp();
      store = harness.store;
    });
    afterAll(async () => {
      await tearDown();
    });
    afterEach(async () => {
      // Every scenario, successful or not, must leave no temporary file or key behind.
      expect(await harness.listTemporaries()).toEqual([]);
    });

    it('stores bytes under their sha256 and streams them back', async () => {
      const bytes = randomBytes(100_000);
      const stored = await store.put(Readable.from([bytes.subarray(0, 40_000), bytes.subarray(40_000)]), { maxBytes: MiB });
      expect(stored).toEqual({ sha256: sha256Of(bytes), size: bytes.length });
      expect(await store.exists(stored.sha256)).toBe(true);
      expect(await store.size(stored.sha256)).toBe(bytes.length);
      expect(Buffer.concat(await (await store.get(stored.sha256)).toArray())).toEqual(bytes);
      expect(await store.read(stored.sha256, MiB)).toEqual(bytes);
    });

    it('stores the empty artifact', async () => {
      const stored = await store.put(Readable.from([]), { maxBytes: 0 });
      expect(stored).toEqual({ sha256: sha256Of(Buffer.alloc(0)), size: 0 });
      expect(await store.read(stored.sha256, 0)).toEqual(Buffer.alloc(0));
    });

    it('keeps one copy when the same bytes are stored twice, also concurrently', async () => {
      const bytes = randomBytes(10_000);
      const first = await store.put(Readable.from([bytes]), { maxBytes: MiB });
      const [second, third] = await Promise.all([
        store.put(Readable.from([bytes]), { maxBytes: MiB }),
        store.put(Readable.from([bytes]), { maxBytes: MiB }),
      ]);
      expect(second).toEqual(first);
      expect(third).toEqual(first);
      expect((await harness.listStored()).filter((entry) => entry.includes(first.sha256))).toHaveLength(1);
      expect(await store.read(first.sha256, MiB)).toEqual(bytes);
    });

    it('accepts a body of exactly maxBytes', async () => {
      const bytes = randomBytes(4096);
      await expect(store.put(Readable.from([bytes]), { maxBytes: 4096 })).resolves.toEqual({ sha256: sha256Of(bytes), size: 4096 });
    });

    it('refuses a body one byte over maxBytes and keeps nothing of it', async () => {
      const bytes = randomBytes(4097);
      const storedBefore = await harness.listStored();
      const attempt = store.put(Readable.from([bytes.subarray(0, 4000), bytes.subarray(4000)]), { maxBytes: 4096 });
      await expect(attempt).rejects.toBeInstanceOf(ArtifactTooLargeError);
      await expect(attempt).rejects.toMatchObject({ limitBytes: 4096, code: 'ARTIFACT_TOO_LARGE' });
      expect(await harness.listStored()).toEqual(storedBefore);
      expect(await store.exists(sha256Of(bytes))).toBe(false);
    });

    it('stops reading as soon as the limit is passed and leaves the body to its owner', async () => {
      let chunksPulled = 0;
      const body = Readable.from(
        (function* () {
          for (let index = 0; index < 1000; index++) {
            chunksPulled++;
            yield Buffer.alloc(1024, index);
          }
        })(),
      );
      await expect(store.put(body, { maxBytes: 10 * 1024 })).rejects.toBeInstanceOf(ArtifactTooLargeError);
      // Readable.from reads ahead by its highWaterMark (16 objects), never the whole 1000.
      expect(chunksPulled).toBeLessThan(40);
      expect(body.destroyed).toBe(false);
      body.destroy();
    });

    it('refuses an announced size above maxBytes before reading anything', async () => {
      const body = Readable.from([Buffer.alloc(10)]);
      await expect(store.put(body, { maxBytes: 5, expectedSize: 10 })).rejects.toBeInstanceOf(ArtifactTooLargeError);
      expect(body.readableDidRead).toBe(false);
      body.destroy();
    });

    it('refuses a body that ends before its announced size', async () => {
      const attempt = store.put(Readable.from([Buffer.alloc(100)]), { maxBytes: MiB, expectedSize: 101 });
      await expect(attempt).rejects.toBeInstanceOf(ArtifactBodyError);
      expect(await store.exists(sha256Of(Buffer.alloc(100)))).toBe(false);
    });

    it('refuses a body that fails midway and keeps nothing of it', async () => {
      const cause = new Error('connection reset by peer');
      const first = randomBytes(64 * 1024);
      const attempt = store.put(failingBody([first, randomBytes(64 * 1024)], cause), { maxBytes: MiB });
      await expect(attempt).rejects.toBeInstanceOf(ArtifactBodyError);
      await expect(attempt).rejects.toMatchObject({ cause });
      expect(await store.exists(sha256Of(first))).toBe(false);
    });

    it('refuses a body that produces text instead of bytes', async () => {
      await expect(store.put(Readable.from(['text'], { objectMode: true }), { maxBytes: MiB })).rejects.toBeInstanceOf(ArtifactBodyError);
    });

    it('stops, destroys the body and keeps nothing when the signal aborts midway', async () => {
      const controller = new AbortController();
      let sent = 0;
      const body = new Readable({
        read() {
          // A slow client: a chunk now and then; the abort arrives after the first few.
          setTimeout(() => {
            sent++;
            if (sent === 3) controller.abort(new Error('client went away'));
            this.push(Buffer.alloc(32 * 1024, sent));
          }, 2);
        },
      });
      const attempt = store.put(body, { maxBytes: 10 * MiB, signal: controller.signal });
      await expect(attempt).rejects.toThrow('client went away');
      expect(body.destroyed).toBe(true);
    });

    it('rejects at once when the signal is already aborted', async () => {
      const controller = new AbortController();
      controller.abort(new Error('shutting down'));
      await expect(store.put(Readable.from([Buffer.alloc(1)]), { maxBytes: 1, signal: controller.signal })).rejects.toThrow(
        'shutting down',
      );
    });

    it('reports a missing digest as not found', async () => {
      const missing = sha256Of(Buffer.from('never stored'));
      await expect(store.get(missing)).rejects.toBeInstanceOf(ArtifactNotFoundError);
      await expect(store.read(missing, MiB)).rejects.toBeInstanceOf(ArtifactNotFoundError);
      expect(await store.exists(missing)).toBe(false);
      expect(await store.size(missing)).toBeNull();
    });

    it.each([
      ['a path traversal', '../etc/passwd'],
      ['a traversal padded to 64 characters', `../../../../../../../../../../${'a'.repeat(34)}`],
      ['uppercase hex', 'A'.repeat(64)],
      ['63 characters', 'a'.repeat(63)],
      ['65 characters', 'a'.repeat(65)],
      ['a trailing newline', `${'a'.repeat(64)}\n`],
      ['the empty string', ''],
    ])('refuses %s as a digest before any I/O', async (_scenario, digest) => {
      const before = harness.ioCount();
      await expect(store.get(digest)).rejects.toBeInstanceOf(InvalidDigestError);
      await expect(store.read(digest, MiB)).rejects.toBeInstanceOf(InvalidDigestError);
      await expect(store.exists(digest)).rejects.toBeInstanceOf(InvalidDigestError);
      await expect(store.size(digest)).rejects.toBeInstanceOf(InvalidDigestError);
      expect(harness.ioCount()).toBe(before);
      // The counter is live: a well-formed digest does reach the backend.
      await store.exists('0'.repeat(64));
      expect(harness.ioCount()).toBeGreaterThan(before);
    });

    it('detects stored bytes that were altered, on get and on read', async () => {
      const bytes = randomBytes(200_000);
      const { sha256 } = await store.put(Readable.from([bytes]), { maxBytes: MiB });
      const altered = Buffer.from(bytes);
      altered[123_456] ^= 0x01;
      await harness.tamper(sha256, altered);

      const stream = await store.get(sha256);
      const received: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => received.push(chunk));
      const ended = new Promise<'end' | Error>((resolve) => {
        stream.on('end', () => resolve('end'));
        stream.on('error', resolve);
      });
      const outcome = await ended;
      expect(outcome).toBeInstanceOf(ArtifactCorruptedError);
      // The held-back final chunk: even a reader that ignores the error lacks part of the bytes.
      expect(Buffer.concat(received).length).toBeLessThan(altered.length);
      await expect(store.read(sha256, MiB)).rejects.toBeInstanceOf(ArtifactCorruptedError);
    });

    it('detects a stored artifact that was truncated or extended', async () => {
      const bytes = randomBytes(50_000);
      const { sha256 } = await store.put(Readable.from([bytes]), { maxBytes: MiB });
      await harness.tamper(sha256, bytes.subarray(0, 49_999));
      await expect(store.read(sha256, MiB)).rejects.toBeInstanceOf(ArtifactCorruptedError);
      await harness.tamper(sha256, Buffer.concat([bytes, Buffer.from([0])]));
      await expect(drain(await store.get(sha256))).rejects.toBeInstanceOf(ArtifactCorruptedError);
    });

    it('repairs a damaged copy when the right bytes are stored again', async () => {
      const bytes = randomBytes(30_000);
      const { sha256 } = await store.put(Readable.from([bytes]), { maxBytes: MiB });
      await harness.tamper(sha256, bytes.subarray(0, 100));
      await store.put(Readable.from([bytes]), { maxBytes: MiB });
      expect(await store.read(sha256, MiB)).toEqual(bytes);
    });

    it('refuses to read into memory an artifact above the limit', async () => {
      const bytes = randomBytes(2048);
      const { sha256 } = await store.put(Readable.from([bytes]), { maxBytes: MiB });
      await expect(store.read(sha256, 2047)).rejects.toMatchObject({ code: 'ARTIFACT_TOO_LARGE', limitBytes: 2047 });
    });

    it('streams a 50 MiB upload and download with bounded memory', async () => {
      const size = 50 * MiB;
      const generated = generatedBody(size, 42);
      const upload = await measureMemory(() => store.put(generated.body, { maxBytes: 256 * MiB }));
      expect(upload.result).toEqual({ sha256: generated.digest(), size });
      const download = await measureMemory(async () => drain(await store.get(upload.result.sha256)));
      expect(download.result).toEqual({ sha256: generated.digest(), size });
      const mib = (bytes: number): string => (bytes / MiB).toFixed(1);
      process.stderr.write(
        `[storage] ${name}, 50 MiB: put peak live +${mib(upload.liveDeltaBytes)} MiB (RSS +${mib(upload.rssDeltaBytes)}), ` +
          `get peak live +${mib(download.liveDeltaBytes)} MiB (RSS +${mib(download.rssDeltaBytes)})\n`,
      );
      // Holding the artifact in memory would keep at least its 50 MiB alive. The S3 store legitimately
      // holds multipart buffers (part size × (queue + 1)) and s3rver runs in this process, measured
      // here at 16–29 MiB on a busy machine: 40 MiB still separates streaming from buffering.
      expect(upload.liveDeltaBytes).toBeLessThan(40 * MiB);
      expect(download.liveDeltaBytes).toBeLessThan(40 * MiB);
    }, 240_000); // s3rver on a busy 2-core machine alongside other suites: a minute is not enough
  });
}
