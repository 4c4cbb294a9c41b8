import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request, type ClientRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register, type Account } from '../support/accounts';
import { leftoversIn, storedObjectsIn } from '../support/artifact-files';
import { rowCounts } from '../support/graphql-http';
import { startTestApp, type TestApp } from '../support/test-app';

// Hostile uploads against PUT /artifacts and hostile names against GET /artifacts/:sha256, with a
// local store whose folder the test watches: no artifact file, no temporary `.part` file and no
// Artifact/ArtifactUpload row may be left by a refused upload. The upload deadline is set low
// (UPLOAD_TIMEOUT_MS) so a slow drip meets it in a second and a half.

const LIMIT = 256 * 1024 * 1024;
const UPLOAD_TIMEOUT_MS = 1_500;

interface RawAnswer {
  status: number;
  body: string;
}

describe('upload attacks', () => {
  let app: TestApp;
  let storeDir: string;
  let ada: Account;

  beforeAll(async () => {
    storeDir = mkdtempSync(join(tmpdir(), 'proving-attack-artifacts-'));
    app = await startTestApp({ ARTIFACT_STORE: storeDir, UPLOAD_TIMEOUT_MS: String(UPLOAD_TIMEOUT_MS) });
    ada = await register(app, 'uploader');
  });

  afterAll(async () => {
    await app.stop();
    rmSync(storeDir, { recursive: true, force: true });
  });

  const stored = async () => ({ files: storedObjectsIn(storeDir), rows: await rowCounts(app, 'Artifact', 'ArtifactUpload') });

  /** A raw HTTP request, for what fetch will not send (lying lengths, drips, unnormalised paths). */
  function raw(
    method: 'PUT' | 'GET',
    path: string,
    headers: Record<string, string | number>,
    write: (req: ClientRequest) => void,
  ): Promise<RawAnswer> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: new URL(app.url).port, method, path, headers: { ...ada.auth, ...headers } }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      write(req);
    });
  }

  const put = (headers: Record<string, string | number>, write: (req: ClientRequest) => void) =>
    raw('PUT', '/artifacts', { 'content-type': 'application/octet-stream', ...headers }, write);
  const errorOf = (answer: RawAnswer) => (JSON.parse(answer.body) as { error: Record<string, unknown> }).error;
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

  it('a declared length over 256 MiB is refused at once (413 ARTIFACT_TOO_LARGE), before the body is read', async () => {
    const before = await stored();
    const answer = await put({ 'content-length': LIMIT + 1 }, (req) => req.write(randomBytes(1024)));
    expect(answer.status).toBe(413);
    expect(errorOf(answer)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'ARTIFACT_TOO_LARGE', details: { limitBytes: LIMIT } });
    await settle();
    expect(leftoversIn(storeDir)).toEqual([]);
    expect(await stored()).toEqual(before);
  });

  it('a slow-drip body (1 byte every 100 ms) is cut off at the deadline: 408 UPLOAD_TIMED_OUT, its temporary file removed', async () => {
    const before = await stored();
    let sawTemporaryFile = false;
    const started = performance.now();
    const answer = await put({ 'content-length': 10_000 }, (req) => {
      const drip = setInterval(() => {
        if (req.destroyed) return clearInterval(drip);
        req.write(Buffer.from('x'));
        sawTemporaryFile ||= leftoversIn(storeDir).some((name) => name.endsWith('.part'));
      }, 100);
      req.on('response', () => clearInterval(drip));
      req.on('close', () => clearInterval(drip));
    });
    expect(answer.status).toBe(408);
    expect(errorOf(answer)).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'UPLOAD_TIMED_OUT',
      details: { timeoutMs: UPLOAD_TIMEOUT_MS },
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(UPLOAD_TIMEOUT_MS - 50);
    // The upload had begun (a temporary file existed) and left nothing behind.
    expect(sawTemporaryFile).toBe(true);
    await settle();
    expect(leftoversIn(storeDir)).toEqual([]);
    expect(await stored()).toEqual(before);
  });

  it('a body that ends early (the client goes away mid-stream) stores nothing and leaves no temporary file', async () => {
    const before = await stored();
    await put({ 'content-length': 5_000_000 }, (req) => {
      req.write(randomBytes(1_000_000), () => setTimeout(() => req.destroy(), 100));
    }).catch(() => undefined);
    await settle();
    expect(leftoversIn(storeDir)).toEqual([]);
    expect(await stored()).toEqual(before);
  });

  it.each([
    ['..%2f..%2fetc%2fpasswd', '..%2f..%2fetc%2fpasswd'],
    ['..%2F..', '..%2F..'],
    ['%2e%2e%2f%2e%2e%2fREADME.md', '%2e%2e%2f%2e%2e%2fREADME.md'],
    ['a back-slashed path', '..%5c..%5cwindows'],
    ['64 upper-case hex characters', 'A'.repeat(64)],
    ['63 hex characters', 'a'.repeat(63)],
    ['65 hex characters', 'a'.repeat(65)],
    ['64 hex characters and a NUL', `${'a'.repeat(64)}%00`],
    ['64 hex characters and an extension', `${'a'.repeat(64)}.onnx`],
    ['64 non-hex characters', 'g'.repeat(64)],
  ])('GET /artifacts/ with a path-like or malformed name (%s) is 400 INVALID_DIGEST', async (_case, name) => {
    const answer = await raw('GET', `/artifacts/${name}`, {}, (req) => req.end());
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_DIGEST' });
  });
});
