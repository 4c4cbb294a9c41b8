import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from './api-client';
import { fetchAsset } from './asset-download';
import { ExitCode } from './cli-errors';

/** A real HTTP server answering every GET with `body` (the bytes an asset URL would serve). */
describe('fetching an asset', () => {
  let server: Server;
  let api: ApiClient;
  let dir: string;
  let body: Buffer;
  let requests: number;
  const bytes = Buffer.from('the reference model, as the catalog built it');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const asset = { name: 'reference.onnx', sha256, size: bytes.length, url: '/challenges/x/assets/reference.onnx' };

  beforeAll(async () => {
    server = createServer((_, response) => {
      requests++;
      response.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api = new ApiClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'proving-fetch-'));
    requests = 0;
    body = bytes;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the file when its sha256 is the listed one, reporting progress', async () => {
    const seen: number[] = [];
    expect(await fetchAsset(api, asset, join(dir, 'reference.onnx'), (n) => seen.push(n))).toBe('downloaded');
    expect(readFileSync(join(dir, 'reference.onnx')).equals(bytes)).toBe(true);
    expect(seen.at(-1)).toBe(bytes.length);
    expect(readdirSync(dir)).toEqual(['reference.onnx']);
  });

  it('refuses bytes with another sha256 and leaves nothing behind', async () => {
    body = Buffer.from('something else entirely');
    await expect(fetchAsset(api, asset, join(dir, 'reference.onnx'), () => undefined)).rejects.toMatchObject({
      exitCode: ExitCode.Failed,
      code: 'SHA256_MISMATCH',
      message: expect.stringContaining(`expected ${sha256}; nothing was kept`),
    });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('does not download again a file already there with the right sha256, and replaces one that differs', async () => {
    writeFileSync(join(dir, 'reference.onnx'), bytes);
    expect(await fetchAsset(api, asset, join(dir, 'reference.onnx'), () => undefined)).toBe('up-to-date');
    expect(requests).toBe(0);
    writeFileSync(join(dir, 'reference.onnx'), 'edited locally');
    expect(await fetchAsset(api, asset, join(dir, 'reference.onnx'), () => undefined)).toBe('downloaded');
    expect(readFileSync(join(dir, 'reference.onnx')).equals(bytes)).toBe(true);
    expect(existsSync(join(dir, 'reference.onnx.part'))).toBe(false);
  });
});
