import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Everything the CLI reads from its environment, in one place (the rest of the code is handed a
 * Settings): the server, the config folder, and whether a person is watching the terminal.
 * The CLI runs on learners' machines, outside the platform's configuration (libs/config).
 */
export interface Settings {
  /** PROVING_URL, or the default; --url overrides it. */
  url: string;
  /** `$XDG_CONFIG_HOME/proving`, else `~/.config/proving`. */
  configDir: string;
  /** stdin is a terminal (login may prompt). */
  stdinIsTTY: boolean;
  /** stderr is a terminal (progress bars are drawn). */
  stderrIsTTY: boolean;
  /** stdout is a terminal; its width, else 80. */
  stdoutIsTTY: boolean;
  columns: number;
}

export const DEFAULT_URL = 'http://localhost:3000';

export function readSettings(): Settings {
  // eslint-disable-next-line no-restricted-syntax -- the CLI's own variables, read here only (CONVENTIONS.md)
  const env = process.env;
  const configHome =
    env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(env.HOME || homedir(), '.config');
  const stdoutIsTTY = process.stdout.isTTY === true;
  return {
    url: env.PROVING_URL || DEFAULT_URL,
    configDir: join(configHome, 'proving'),
    stdinIsTTY: process.stdin.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    stdoutIsTTY,
    columns: stdoutIsTTY && process.stdout.columns ? process.stdout.columns : 80,
  };
}
