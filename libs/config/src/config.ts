import { environmentSchema, toAppConfig, type AppConfig } from './config.schema';

/** A configuration problem, with a message that names the variable and says what it must be. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Validates the environment once, at boot, and returns the typed configuration.
 * Empty strings count as unset, so `PORT= npm start` means the default, not an error.
 * @throws ConfigError naming the first invalid variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): AppConfig {
  const known = Object.keys(environmentSchema.shape);
  const input = Object.fromEntries(known.filter((name) => env[name] !== undefined && env[name] !== '').map((name) => [name, env[name]]));
  const parsed = environmentSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    const got = input[variable];
    const shown = variable === 'DATABASE_URL' ? '' : got === undefined ? '' : ` (got ${JSON.stringify(got)})`;
    throw new ConfigError(variable, `${variable} ${describe(issue.message)}${shown}`);
  }
  return toAppConfig(parsed.data, cwd);
}

function describe(message: string): string {
  // zod's enum message reads "Invalid option: expected one of "a"|"b""; say it plainly.
  const options = /expected one of (.+)$/.exec(message);
  if (options) return `must be one of ${options[1]!.replaceAll('"', '').split('|').join(', ')}`;
  return message;
}
