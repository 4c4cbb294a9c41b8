import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { COMMANDS, run } from './cli';
import { ExitCode } from './cli-errors';
import type { Settings } from './settings';

/** `run` in process, with buffers for streams and a temporary config folder (no network needed here). */
async function proving(argv: string[], settings: Partial<Settings> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    settings: {
      url: 'http://127.0.0.1:9',
      configDir: join(dir, 'proving'),
      stdinIsTTY: false,
      stderrIsTTY: false,
      stdoutIsTTY: false,
      columns: 80,
      ...settings,
    },
    stdin: Readable.from([]),
    stdout: { write: (text) => (stdout += text) },
    stderr: { write: (text) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'proving-cli-spec-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('proving command lines', () => {
  it.each([
    [[], /^proving: missing command/],
    [['frobnicate'], /^proving: unknown command 'frobnicate'/],
    [['help', 'frobnicate'], /^proving: unknown command 'frobnicate'/],
    [['challenge'], /^proving challenge: missing <slug>/],
    [['submit', 'pruned-mlp-speedup'], /^proving submit: missing <model\.onnx>/],
    [['status', 'a', 'b'], /^proving status: unexpected argument 'b'/],
    [['leaderboard', '--top'], /^proving leaderboard: unknown option --top/],
    [['leaderboard', '-x'], /^proving leaderboard: unknown option -x/],
    [['leaderboard', '--first'], /^proving leaderboard: option --first needs a value/],
    [['leaderboard', '--week=yes'], /^proving leaderboard: option --week takes no value/],
    [['leaderboard', '--first', '0'], /^proving leaderboard: --first must be a whole number from 1 to 100/],
    [['leaderboard', 'some-slug', '--team'], /^proving leaderboard: --team ranks teams/],
    [['challenges', '--url', 'localhost:3000'], /^proving challenges: --url must be http:\/\/ or https:\/\//],
    [['challenges', '--url', 'nope'], /^proving challenges: --url 'nope' is not a URL/],
    [['login', '--email', 'ada@example.com'], /^proving login: no terminal to ask for the password on/],
    [['register', '--password-stdin'], /^proving register: --email is required when there is no terminal/],
    [['submit', 'slug', 'missing.onnx', '--url', 'http://x'], /^proving submit: not logged in/],
  ])('%j is refused in one line on stderr', async (argv, message) => {
    const { code, stdout, stderr } = await proving([...argv, '--json']);
    expect(stderr).toMatch(message);
    expect(stderr.endsWith('\n') && !stderr.trimEnd().includes('\n')).toBe(true);
    if (code === ExitCode.Usage) expect(stdout).toBe('');
    expect(code).toBe(message.source.includes('not logged in') ? ExitCode.NetworkOrAuth : ExitCode.Usage);
  });

  it('answers a missing login with exit 3 and, with --json, an error document on stdout', async () => {
    const { code, stdout } = await proving(['status', '0b6c6a8e-0000-4000-8000-000000000000', '--json']);
    expect(code).toBe(ExitCode.NetworkOrAuth);
    expect(JSON.parse(stdout)).toEqual({ error: { code: 'NOT_LOGGED_IN', message: expect.stringContaining("run 'proving login' first") } });
  });

  it('finds the command after global options, and takes --url=value', async () => {
    const { code, stderr } = await proving(['--url=http://127.0.0.1:9', '--json', 'status', 'x']);
    expect([code, stderr]).toEqual([
      ExitCode.NetworkOrAuth,
      expect.stringMatching(/^proving status: not logged in to http:\/\/127\.0\.0\.1:9/),
    ]);
  });

  it('has help for every command, reachable three ways, within 80 columns', async () => {
    const main = await proving(['--help']);
    expect(main.code).toBe(ExitCode.Ok);
    for (const command of COMMANDS) {
      expect(main.stdout).toMatch(new RegExp(`^  ${command.name} `, 'm'));
      const help = await proving([command.name, '--help']);
      expect(help.code).toBe(ExitCode.Ok);
      expect(help.stdout).toMatch(new RegExp(`^Usage: proving ${command.name}\\b`));
      expect(help.stdout).toContain('--json');
      expect((await proving(['help', command.name])).stdout).toBe(help.stdout);
      expect((await proving([command.name, '-h'])).stdout).toBe(help.stdout);
      // --help wins over missing arguments: asking how to use a command is not misusing it.
      expect(help.stderr).toBe('');
      for (const line of help.stdout.split('\n'))
        expect({ command: command.name, line, width: [...line].length <= 80 }).toMatchObject({ width: true });
    }
    for (const line of main.stdout.split('\n')) expect({ line, width: [...line].length <= 80 }).toMatchObject({ width: true });
  });
});
