import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withClient } from '@app/testing';
import { register, type Account } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

const LIMIT = 256 * 1024 * 1024;

/** Every file under `dir`, recursively (the store's objects and its temp files). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => statSync(join(dir, name)).isFile());
}

describe('artifacts over HTTP (PUT /artifacts, GET /artifacts/:sha256)', () => {
  let app: TestApp;
  let storeDir: string;
  let ada: Account;
  let bob: Account;
  let eve: Account;

  beforeAll(async () => {
    storeDir = mkdtempSync(join(tmpdir(), 'proving-artifacts-'));
    app = await startTestApp({ ARTIFACT_STORE: storeDir });
    [ada, bob, eve] = (await Promise.all(['art-ada', 'art-bob', 'art-eve'].map((h) => register(app, h)))) as [Account, Account, Account];
  });

  afterAll(async () => {
    await app.stop();
    rmSync(storeDir, { recursive: true, force: true });
  });

  const put = (body: Buffer, headers: Record<string, string>) =>
    fetch(`${app.url}/artifacts`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream', ...headers }, body });
  const get = (sha256: string, headers: Record<string, string>) => fetch(`${app.url}/artifacts/${sha256}`, { headers });
  const errorOf = async (response: Response) => ((await response.json()) as { error: { code: string; reason?: string } }).error;
  const storedObjects = () => filesUnder(storeDir).filter((name) => /[0-9a-f]{64}$/.test(name));
  const leftovers = () => filesUnder(storeDir).filter((name) => !/[0-9a-f]{64}$/.test(name));

  it('stores streamed bytes under their sha256 and gives them back, verified, to the uploader', async () => {
    const bytes = randomBytes(300_000);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const response = await put(bytes, ada.auth);
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ sha256, size: bytes.length });
    const back = await get(sha256, ada.auth);
    expect(back.status).toBe(200);
    expect(back.headers.get('etag')).toBe(`"${sha256}"`);
    expect(Buffer.from(await back.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('reveals nothing to someone who did not upload the bytes; uploading the same bytes gives access to those bytes only', async () => {
    const bytes = randomBytes(10_000);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    expect((await put(bytes, ada.auth)).status).toBe(201);

    const stranger = await get(sha256, eve.auth);
    const nonexistent = await get(createHash('sha256').update('never uploaded').digest('hex'), eve.auth);
    expect([stranger.status, nonexistent.status]).toEqual([404, 404]);
    expect((await errorOf(stranger)).code).toBe('NOT_FOUND');
    expect((await errorOf(nonexistent)).code).toBe('NOT_FOUND');

    expect(await (await put(bytes, bob.auth)).json()).toEqual({ sha256, size: bytes.length });
    expect((await get(sha256, bob.auth)).status).toBe(200);
    expect(storedObjects().filter((name) => name.endsWith(sha256))).toHaveLength(1); // one copy however many uploaders
  });

  it('takes the same bytes uploaded at once by several learners, several times each: all 201, one object, one upload record per learner', async () => {
    const bytes = randomBytes(50_000);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const responses = await Promise.all([ada, ada, bob, bob, eve, ada, bob, eve].map((who) => put(bytes, who.auth)));
    expect(responses.map((response) => response.status)).toEqual(Array(8).fill(201));
    expect(storedObjects().filter((name) => name.endsWith(sha256))).toHaveLength(1);
    const rows = await withClient(
      app.database.url,
      async (c) =>
        (
          await c.query(
            `SELECT count(DISTINCT "artifactSha256")::int AS objects, count(*)::int AS uploads FROM "ArtifactUpload" WHERE "artifactSha256" = $1`,
            [sha256],
          )
        ).rows,
    );
    expect(rows).toEqual([{ objects: 1, uploads: 3 }]);
    for (const who of [ada, bob, eve]) expect((await get(sha256, who.auth)).status).toBe(200);
  });

  it('refuses an upload without a token (401) and stores nothing', async () => {
    const before = storedObjects().length;
    const response = await put(randomBytes(1000), {});
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe('UNAUTHENTICATED');
    expect(storedObjects()).toHaveLength(before);
    expect(leftovers()).toEqual([]);
  });

  it('refuses a body that is not application/octet-stream (415) and a malformed digest (400)', async () => {
    const json = await fetch(`${app.url}/artifacts`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...ada.auth },
      body: '{"a":1}',
    });
    expect(json.status).toBe(415);
    expect(await errorOf(json)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNSUPPORTED_MEDIA_TYPE' });
    const bad = await get('..%2F..%2Fetc%2Fpasswd', ada.auth);
    expect(bad.status).toBe(400);
    expect(await errorOf(bad)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_DIGEST' });
  });

  /** A raw HTTP PUT, for bodies fetch will not send (lying lengths, endless streams). */
  function rawPut(
    headers: Record<string, string | number>,
    write: (req: ReturnType<typeof request>) => void,
  ): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const { port } = new URL(app.url);
      const req = request(
        {
          host: '127.0.0.1',
          port: Number(port),
          method: 'PUT',
          path: '/artifacts',
          headers: { 'content-type': 'application/octet-stream', ...ada.auth, ...headers },
        },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      write(req);
    });
  }

  it('refuses a declared length over 256 MiB at once (413), before reading the body', async () => {
    const answer = await rawPut({ 'content-length': LIMIT + 1 }, (req) => req.write(randomBytes(1024)));
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'ARTIFACT_TOO_LARGE',
      details: { limitBytes: LIMIT },
    });
    expect(leftovers()).toEqual([]);
  });

  it('stops a chunked body as soon as it passes 256 MiB (413) and leaves no partial file', async () => {
    const chunk = randomBytes(1024 * 1024);
    const { port } = new URL(app.url);
    const answer = await new Promise<{ status: number; sentBytes: number }>((resolve, reject) => {
      let sent = 0;
      let answered = false;
      const req = request({
        host: '127.0.0.1',
        port: Number(port),
        method: 'PUT',
        path: '/artifacts',
        headers: { 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked', ...ada.auth },
      });
      req.on('response', (res) => {
        answered = true;
        resolve({ status: res.statusCode ?? 0, sentBytes: sent });
        req.destroy();
      });
      req.on('error', (error) => (answered ? undefined : reject(error)));
      const pump = () => {
        while (!answered && sent <= LIMIT + 64 * chunk.length) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!answered) req.end();
      };
      pump();
    });
    expect(answer.status).toBe(413);
    expect(answer.sentBytes).toBeGreaterThan(LIMIT); // refused on what it read, not on a header
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(leftovers()).toEqual([]);
  }, 120_000);

  it('discards a body that ends early (the client goes away) and leaves no partial file', async () => {
    const before = storedObjects().length;
    await rawPut({ 'content-length': 5_000_000 }, (req) => {
      req.write(randomBytes(1_000_000), () => setTimeout(() => req.destroy(), 100));
    }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(leftovers()).toEqual([]);
    expect(storedObjects()).toHaveLength(before);
  });
});
