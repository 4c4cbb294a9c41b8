import { parseArgs } from 'node:util';
import type { Readable } from 'node:stream';
import type { ApiClient } from './api-client';
import { ExitCode, UsageError } from './cli-errors';
import type { ConfigStore, Credential } from './config-store';
import type { ProgressBar } from './render/progress-bar';
import type { Style } from './render/text';
import type { Settings } from './settings';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** The value's name in help (`--dir <dir>`). */
  value?: string;
  description: string;
}

export interface ArgumentSpec {
  name: string;
  optional?: boolean;
  description: string;
}

export interface CommandInput {
  args: Record<string, string | undefined>;
  options: Record<string, string | boolean | undefined>;
}

/** What a command works with: the server, the config folder, the terminal, and how to answer. */
export interface CommandContext {
  settings: Settings;
  /** The server (--url, PROVING_URL, or the default). */
  url: string;
  json: boolean;
  store: ConfigStore;
  /** The API without credentials (public queries, login). */
  api: ApiClient;
  /** The API as the stored login for this server; exit 3 NOT_LOGGED_IN without one. */
  signedIn(): { api: ApiClient; credential: Credential };
  /** The API as the stored login when there is one, else anonymous (public reads). */
  maybeSignedIn(): ApiClient;
  stdin: Readable;
  /** Asks on the terminal (the question on stderr; `hidden`: nothing typed is echoed). Only when settings.stdinIsTTY. */
  ask(question: string, hidden: boolean): Promise<string>;
  /** Progress and prompts: stderr. */
  stderr: { write(text: string): void };
  progress(): ProgressBar;
  style: Style;
  /** The one answer on stdout: `value` as JSON with --json, else `human` (a function, so it is built only when shown). */
  emit(value: unknown, human: () => string): void;
}

export interface CommandSpec {
  name: string;
  /** One line for the command list (at most 60 characters). */
  summary: string;
  args: ArgumentSpec[];
  options?: Record<string, OptionSpec>;
  /** Paragraphs of help, wrapped to 80 columns. */
  description: string[];
  examples?: string[];
  run(context: CommandContext, input: CommandInput): Promise<ExitCode>;
}

/** Options every command takes. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  url: { type: 'string', value: 'url', description: 'the server (default: $PROVING_URL, else http://localhost:3000)' },
  json: { type: 'boolean', description: 'print one JSON document on stdout and nothing else' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

/** The command's arguments and options from argv (the command name removed); usage errors as one line. */
export function parseCommandLine(command: CommandSpec, argv: string[]): CommandInput {
  const specs = { ...GLOBAL_OPTIONS, ...command.options };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: Object.fromEntries(
        Object.entries(specs).map(([name, spec]) => [name, spec.short ? { type: spec.type, short: spec.short } : { type: spec.type }]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(parseErrorLine(command.name, error as Error & { code?: string }));
  }
  const options = parsed.values as Record<string, string | boolean | undefined>;
  if (options.help) return { args: {}, options };
  const positionals = parsed.positionals;
  const args: Record<string, string | undefined> = {};
  command.args.forEach((spec, i) => {
    if (positionals[i] === undefined && !spec.optional) {
      throw new UsageError(`proving ${command.name}: missing <${spec.name}> (usage: ${usageLine(command)})`);
    }
    args[spec.name] = positionals[i];
  });
  if (positionals.length > command.args.length) {
    throw new UsageError(
      `proving ${command.name}: unexpected argument '${positionals[command.args.length]}' (usage: ${usageLine(command)})`,
    );
  }
  return { args, options };
}

/** node:util's messages, shortened to one line that says what to do. */
function parseErrorLine(name: string, error: Error & { code?: string }): string {
  const hint = `see 'proving ${name} --help'`;
  const option = /'(-{1,2}[^' ]*)/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `proving ${name}: unknown option ${option ?? ''} (${hint})`;
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const takesNone = /does not take an argument/.test(error.message);
    return `proving ${name}: option ${option ?? ''} ${takesNone ? 'takes no value' : 'needs a value'} (${hint})`;
  }
  return `proving ${name}: ${error.message.split('\n')[0]} (${hint})`;
}

export function usageLine(command: CommandSpec): string {
  const args = command.args.map((arg) => (arg.optional ? `[${arg.name}]` : `<${arg.name}>`));
  return ['proving', command.name, ...args, '[options]'].join(' ');
}
