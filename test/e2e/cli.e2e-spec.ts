import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@app/testing';
import { errorCode } from '../support/accounts';
import { catalogModel } from '../support/scoring';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The `proving` CLI as a new user meets it: the compiled bin run as a child process, with its
 * own HOME and XDG_CONFIG_HOME, against the real app with an embedded scorer. register, logout,
 * login, challenges, challenge, fetch, submit (followed live), status, leaderboard, and verify
 * offline, with the exit codes scripts rely on.
 */
const CLI = join(__dirname, '..', '..', 'dist', 'apps', 'cli', 'src', 'main.js');
const SLUG = 'pruned-mlp-speedup';
const PASSWORD = 'a cli learner password';
// Scoring the known solution takes 10–30 s; on a busy 2-core CI machine, allow several times that.
const SCORING_TIMEOUT_MS = 150_000;

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('the proving CLI, driven as a new user would', () => {
  let app: TestApp;
  let home: string;
  /** A URL where nothing listens: the port was free, and is closed again. */
  let deadUrl: string;

  beforeAll(async () => {
    app = await startTestApp({ SCORER: 'embedded', SANDBOX_TASK_TIMEOUT_MS: '60000' });
    home = mkdtempSync(join(tmpdir(), 'proving-cli-'));
    // The learner's own model file (the CLI runs in `home`).
    writeFileSync(join(home, 'known-solution.onnx'), catalogModel(SLUG, 'known-solution'));
    deadUrl = `http://127.0.0.1:${await freePort()}`;
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  /** `proving …args` with the test's HOME; the server from PROVING_URL unless --url is given. */
  const proving = (args: string[], input = '', env: Record<string, string> = {}): Promise<CliRun> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        cwd: home,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: home,
          XDG_CONFIG_HOME: join(home, '.config'),
          PROVING_URL: app.url,
          ...env,
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(input);
    });

  const json = <T>(run: CliRun): T => JSON.parse(run.stdout) as T;
  const configDir = () => join(home, '.config', 'proving');

  it('refuses wrong usage with one line on stderr, nothing on stdout, and exit 2', async () => {
    // A few of the compiled bin's usage errors (cli.spec.ts goes through every one in process).
    const cases = [
      [],
      ['bogus'],
      ['submit', SLUG],
      ['leaderboard', '--first', 'lots'],
      ['login', '--email', 'x@example.com'], // no terminal to ask for the password on
    ];
    const runs = await Promise.all(cases.map((args) => proving([...args, '--json'])));
    cases.forEach((args, i) => {
      const run = runs[i]!;
      expect({ args, code: run.code, stdout: run.stdout, lines: run.stderr.trimEnd().split('\n').length }).toEqual({
        args,
        code: 2,
        stdout: '',
        lines: 1,
      });
      expect(run.stderr).toMatch(/^proving/);
    });
  });

  it('without a stored login, or with the server down, exits 3 and says what to do', async () => {
    const submit = await proving(['submit', SLUG, 'known-solution.onnx', '--json']);
    expect(submit.code).toBe(3);
    expect(json<{ error: { code: string } }>(submit).error.code).toBe('NOT_LOGGED_IN');
    expect(submit.stderr).toMatch(/run 'proving login' first/);

    const down = await proving(['challenges', '--url', deadUrl]);
    expect(down.code).toBe(3);
    expect(down.stdout).toBe('');
    expect(down.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });

  it('registers, logs out (revoking the token) and logs in with --password-stdin, keeping one 600 credential per server', async () => {
    const registered = await proving(
      ['register', '--email', 'cli-ada@example.com', '--handle', 'cli-ada', '--password-stdin', '--json'],
      PASSWORD,
    );
    expect(registered.code).toBe(0);
    expect(json(registered)).toMatchObject({ server: app.url, handle: 'cli-ada', configDir: configDir() });
    const firstToken = storedCredential().token;
    expect(firstToken).toMatch(/^pgt_/);

    const out = await proving(['logout', '--json']);
    expect([out.code, json(out)]).toEqual([0, expect.objectContaining({ loggedOut: true, revoked: true })]);
    const refused = await app.graphql('{ me { handle } }', {}, { authorization: `Bearer ${firstToken}` });
    expect(errorCode(refused)).toBe('UNAUTHENTICATED');
    expect(storedCredentials()).toEqual({});

    const wrong = await proving(['login', '--email', 'cli-ada@example.com', '--password-stdin'], 'not the password');
    expect(wrong.code).toBe(3);
    expect(wrong.stderr.trimEnd().split('\n')).toHaveLength(1);

    const login = await proving(['login', '--email', 'cli-ada@example.com', '--password-stdin'], `${PASSWORD}\n`);
    expect(login.code).toBe(0);
    expect(login.stdout).toMatch(/Logged in to .* as cli-ada/);
    const credential = storedCredential();
    expect(credential.token).not.toBe(firstToken);
    const me = await app.graphql('{ me { handle } }', {}, { authorization: `Bearer ${credential.token}` });
    expect(me.body.data).toEqual({ me: { handle: 'cli-ada' } });

    // Logging in again replaces this machine's token for the server, and revokes the one replaced.
    expect((await proving(['login', '--email', 'cli-ada@example.com', '--password-stdin'], PASSWORD)).code).toBe(0);
    expect(storedCredential().token).not.toBe(credential.token);
    expect(errorCode(await app.graphql('{ me { handle } }', {}, { authorization: `Bearer ${credential.token}` }))).toBe('UNAUTHENTICATED');
    expect(statSync(configDir()).mode & 0o777).toBe(0o700);
    expect(statSync(join(configDir(), 'credentials.json')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(configDir(), 'credentials.json'), 'utf8')).not.toContain(PASSWORD);
  });

  it('lists the challenges, shows a brief in 80 columns, and fetches the assets with their sha256 checked', async () => {
    const [list, table, brief] = await Promise.all([
      proving(['challenges', '--json']),
      proving(['challenges']),
      proving(['challenge', SLUG]),
    ]);
    expect(list.code).toBe(0);
    expect(json<Array<{ slug: string }>>(list).map((row) => row.slug)).toContain(SLUG);
    expect(table.stdout.split('\n')[0]).toMatch(/^SLUG\s+KIND\s+POINTS\s+TITLE$/);

    expect(brief.code).toBe(0);
    expect(brief.stdout).toContain('Cash in a pruning run: make a pruned MLP faster');
    // Not a terminal: wrapped to 80 columns (code blocks are kept as written, and this brief's fit).
    expect(brief.stdout.split('\n').filter((line) => [...line].length > 80)).toEqual([]);

    const fetched = await proving(['fetch', SLUG, '--dir', 'assets', '--json']);
    expect(fetched.code).toBe(0);
    const reference = catalogModel(SLUG, 'reference');
    const files = json<{ files: Array<{ name: string; path: string; sha256: string; outcome: string }> }>(fetched).files;
    expect(files).toEqual([
      {
        name: 'reference.onnx',
        path: join(home, 'assets', 'reference.onnx'),
        sha256: sha256(reference),
        size: reference.length,
        outcome: 'downloaded',
      },
    ]);
    expect(readFileSync(files[0]!.path).equals(reference)).toBe(true);
    const again = await proving(['fetch', SLUG, '--dir', 'assets', '--json']);
    expect(json<{ files: Array<{ outcome: string }> }>(again).files[0]!.outcome).toBe('up-to-date');
  });

  let submissionId: string;
  let certificateUrl: string;

  it(
    'submits the known solution, follows it live to PASSED, and shows the result and its links',
    async () => {
      const run = await proving(['submit', SLUG, 'known-solution.onnx', '--json']);
      expect(run.code).toBe(0);
      const result = json<{
        id: string;
        status: string;
        result: { verdict: string; speedup: number; speedupLow: number; speedupHigh: number; points: number; certificateId: string };
        links: { report: string; certificate: string };
      }>(run);
      expect(result).toMatchObject({ status: 'SCORED', result: { verdict: 'PASSED', certificateId: expect.any(String) } });
      expect(result.result.speedupLow).toBeLessThanOrEqual(result.result.speedup);
      expect(result.result.speedupHigh).toBeGreaterThanOrEqual(result.result.speedup);
      expect(result.links).toEqual({
        report: `${app.url}/submissions/${result.id}/report.svg`,
        certificate: `${app.url}/certificates/${result.result.certificateId}`,
      });
      // Not a terminal: the phases are written once each, on stderr.
      for (const phase of ['upload known-solution.onnx', 'parity', 'timing']) expect(run.stderr).toContain(phase);
      submissionId = result.id;
      certificateUrl = result.links.certificate;

      const status = await proving(['status', submissionId]);
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/^Verdict\s+PASSED$/m);
      expect(status.stdout).toMatch(/^Speedup\s+\d+\.\d\d× \(95% interval \d+\.\d\d×–\d+\.\d\d×, target ≥ 3\.00×\)$/m);
      expect(status.stdout).toContain(`Certificate  ${certificateUrl}`);

      const board = await proving(['leaderboard', SLUG, '--json']);
      expect(board.code).toBe(0);
      const entries = json<{ scope: string; entries: Array<{ handle: string; isBaseline: boolean; points: number }> }>(board);
      expect(entries.scope).toBe('CHALLENGE');
      expect(entries.entries).toContainEqual(
        expect.objectContaining({ handle: 'cli-ada', isBaseline: false, points: result.result.points }),
      );
      const global = await proving(['leaderboard', '--week']);
      expect(global.stdout).toMatch(/^\s*1\s+cli-ada\s/m);
    },
    SCORING_TIMEOUT_MS,
  );

  it('verifies the downloaded certificate offline with an unreachable server, and refuses a tampered copy', async () => {
    const document = await (await fetch(certificateUrl)).text();
    writeFileSync(join(home, 'certificate.json'), document);
    const valid = await proving(['verify', 'certificate.json', '--url', deadUrl, '--json']);
    expect(valid.code).toBe(0);
    expect(json(valid)).toMatchObject({ valid: true, code: null, offline: true, certificate: { learner: 'cli-ada', verdict: 'PASSED' } });

    const parsed = JSON.parse(document) as { certificate: string };
    const tampered = { ...parsed, certificate: parsed.certificate.replace('"learner":"cli-ada"', '"learner":"cli-eve"') };
    expect(tampered.certificate).not.toBe(parsed.certificate);
    writeFileSync(join(home, 'tampered.json'), JSON.stringify(tampered));
    const invalid = await proving(['verify', 'tampered.json', '--url', deadUrl]);
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toMatch(/^INVALID \(SIGNATURE_MISMATCH\)/);
  });

  it(
    'exits 1 for the unchanged reference model, which does not reach the target speedup',
    async () => {
      const run = await proving(['submit', SLUG, join(home, 'assets', 'reference.onnx')]);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^Verdict\s+(FAILED|INCONCLUSIVE)$/m);
    },
    SCORING_TIMEOUT_MS,
  );

  function storedCredentials(): Record<string, { token: string }> {
    return JSON.parse(readFileSync(join(configDir(), 'credentials.json'), 'utf8')) as Record<string, { token: string }>;
  }

  function storedCredential(): { token: string } {
    return storedCredentials()[app.url]!;
  }
});

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
