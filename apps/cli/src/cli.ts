import type { Readable } from 'node:stream';
import { ApiClient } from './api-client';
import { CliError, ExitCode, UsageError } from './cli-errors';
import { parseCommandLine, type CommandContext, type CommandSpec } from './command';
import { ACCOUNT_COMMANDS } from './commands/account.command';
import { CHALLENGE_COMMANDS } from './commands/challenges.command';
import { LEADERBOARD_COMMANDS } from './commands/leaderboard.command';
import { SUBMISSION_COMMANDS } from './commands/submission.command';
import { VERIFY_COMMANDS } from './commands/verify.command';
import { ConfigStore } from './config-store';
import { commandHelp, mainHelp } from './render/help';
import { ProgressBar } from './render/progress-bar';
import { ansiStyle, plainStyle } from './render/text';
import type { Settings } from './settings';

export const COMMANDS: CommandSpec[] = [
  ...ACCOUNT_COMMANDS,
  ...CHALLENGE_COMMANDS,
  ...SUBMISSION_COMMANDS,
  ...LEADERBOARD_COMMANDS,
  ...VERIFY_COMMANDS,
];

/** What `run` reads and writes: the process's streams in main.ts, buffers in tests. */
export interface CliIo {
  settings: Settings;
  stdin: Readable;
  stdout: { write(text: string): void };
  stderr: { write(text: string): void };
  /** Asks on the terminal; main.ts gives the process's own (tests have no terminal). */
  ask?(question: string, hidden: boolean): Promise<string>;
}

/**
 * Runs one command line; resolves with the exit code. Every failure ends as one line on stderr
 * (and, with --json, `{"error": {code, message}}` on stdout, so a script always gets a document).
 */
export async function run(argv: string[], io: CliIo): Promise<ExitCode> {
  const wantsJson = argv.includes('--json');
  let name = 'proving';
  try {
    const position = commandPosition(argv);
    if (position === -1) {
      if (argv.includes('--help') || argv.includes('-h')) return help(io, mainHelp(COMMANDS));
      throw new UsageError("proving: missing command (see 'proving --help')");
    }
    const given = argv[position]!;
    if (given === 'help') {
      const topic = argv[position + 1];
      const command = COMMANDS.find((candidate) => candidate.name === topic);
      if (topic !== undefined && !command) throw new UsageError(`proving: unknown command '${topic}' (see 'proving --help')`);
      return help(io, command ? commandHelp(command) : mainHelp(COMMANDS));
    }
    const command = COMMANDS.find((candidate) => candidate.name === given);
    if (!command) throw new UsageError(`proving: unknown command '${given}' (see 'proving --help')`);
    name = `proving ${command.name}`;
    const input = parseCommandLine(command, [...argv.slice(0, position), ...argv.slice(position + 1)]);
    if (input.options.help) return help(io, commandHelp(command));
    const context = contextFor(io, input.options, command.name);
    return await command.run(context, input);
  } catch (error) {
    const failure = asCliError(error);
    const line = failure.message.startsWith('proving') ? failure.message : `${name}: ${failure.message}`;
    io.stderr.write(`${line.replace(/\s*\n\s*/g, ' ')}\n`);
    if (wantsJson && failure.exitCode !== ExitCode.Usage) {
      const reason = failure.reason ? { reason: failure.reason } : {};
      io.stdout.write(`${JSON.stringify({ error: { code: failure.code, message: failure.message, ...reason } }, null, 2)}\n`);
    }
    return failure.exitCode;
  }
}

/** Index of the command word: the first argument that is not an option or the value of --url. */
function commandPosition(argv: string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--url') i++;
    else if (!arg.startsWith('-')) return i;
  }
  return -1;
}

function help(io: CliIo, text: string): ExitCode {
  io.stdout.write(`${text}\n`);
  return ExitCode.Ok;
}

function contextFor(io: CliIo, options: Record<string, string | boolean | undefined>, command: string): CommandContext {
  const url = (options.url as string | undefined) ?? io.settings.url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`proving ${command}: --url '${url}' is not a URL (e.g. http://localhost:3000)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`proving ${command}: --url must be http:// or https:// (got ${parsed.protocol})`);
  }
  const json = options.json === true;
  const store = new ConfigStore(io.settings.configDir);
  const api = new ApiClient(url);
  return {
    settings: io.settings,
    url: api.base,
    json,
    store,
    api,
    signedIn() {
      const credential = store.credential(api.base);
      if (!credential) {
        throw new CliError(ExitCode.NetworkOrAuth, 'NOT_LOGGED_IN', `not logged in to ${api.base}: run 'proving login' first`);
      }
      return { api: api.as(credential.token), credential };
    },
    maybeSignedIn() {
      const credential = store.credential(api.base);
      return credential ? api.as(credential.token) : api;
    },
    stdin: io.stdin,
    ask(question, hidden) {
      if (!io.ask) throw new UsageError('no terminal to ask on');
      return io.ask(question, hidden);
    },
    stderr: io.stderr,
    progress: () =>
      new ProgressBar({ write: (text) => io.stderr.write(text), isTTY: io.settings.stderrIsTTY, columns: io.settings.columns }),
    style: io.settings.stdoutIsTTY && !json ? ansiStyle : plainStyle,
    emit(value, human) {
      io.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
    },
  };
}

function asCliError(error: unknown): CliError {
  if (error instanceof CliError) return error;
  if ((error as { interrupted?: boolean }).interrupted) return new CliError(ExitCode.Usage, 'INTERRUPTED', 'interrupted');
  return new CliError(ExitCode.Failed, 'INTERNAL', `unexpected error: ${(error as Error).message ?? String(error)}`);
}
