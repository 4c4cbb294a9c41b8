import { hostname } from 'node:os';
import type { ApiClient } from '../api-client';
import { CliError, ExitCode, UsageError } from '../cli-errors';
import type { CommandContext, CommandInput, CommandSpec } from '../command';
import type { Credential } from '../config-store';
import { readAll } from '../prompt';

/** The API token's name: where and when it was made, so `me { apiTokens }` tells a learner's machines apart. */
const TOKEN_NAME_MAX = 64;

interface KeysResponse {
  keys: Array<{ keyId: string; publicKey: string }>;
}

/**
 * Fetches the platform's certificate keys and pins them (GET /certificates/keys, public), for
 * `verify` offline. @returns the keyIds now pinned from this server.
 */
export async function pinCertificateKeys(context: CommandContext): Promise<string[]> {
  const { keys } = await context.api.getJson<KeysResponse>('/certificates/keys');
  context.store.pinKeys(context.url, keys);
  return keys.map((key) => key.keyId);
}

const SECRET_OPTIONS = {
  email: { type: 'string', value: 'email', description: 'the account email (prompted for when left out)' },
  'password-stdin': {
    type: 'boolean',
    description: 'read the password from stdin (scripts); without it the password is asked for on the terminal',
  },
} as const;

const register: CommandSpec = {
  name: 'register',
  summary: 'create an account on the server, and log in',
  args: [],
  options: {
    ...SECRET_OPTIONS,
    handle: { type: 'string', value: 'handle', description: 'your public name: 3–32 of a-z, 0-9, - and _' },
  },
  description: ['Creates an account (email, public handle, password of 8–128 characters) and logs in as with `proving login`.'],
  examples: ['proving register', 'proving register --email ada@example.com --handle ada --password-stdin < pw'],
  async run(context, input) {
    const email = await valueOrPrompt(context, input, 'email', 'Email: ');
    const handle = await valueOrPrompt(context, input, 'handle', 'Handle: ');
    const password = await passwordOf(context, input);
    const data = await context.api.graphql<{ register: AuthPayload }>(
      `mutation($input: RegisterInput!) { register(input: $input) { accessToken user { handle } } }`,
      { input: { email, handle, password } },
    );
    return finishLogin(context, data.register, 'registered and logged in');
  },
};

const login: CommandSpec = {
  name: 'login',
  summary: 'log in and store an API token for this server',
  args: [],
  options: SECRET_OPTIONS,
  description: [
    'Logs in, creates a personal API token for this machine (see `me { apiTokens }`) and stores it (mode 600) in the config folder, one per server URL. The 15-minute session used to make it is ended at once; no password or refresh token is kept.',
    "Also pins the platform's certificate keys (GET /certificates/keys) so that `proving verify` works offline.",
  ],
  examples: ['proving login', 'proving login --email ada@example.com --password-stdin < password.txt'],
  async run(context, input) {
    const email = await valueOrPrompt(context, input, 'email', 'Email: ');
    const password = await passwordOf(context, input);
    const data = await context.api.graphql<{ login: AuthPayload }>(
      `mutation($input: LoginInput!) { login(input: $input) { accessToken user { handle } } }`,
      { input: { email, password } },
    );
    return finishLogin(context, data.login, 'logged in');
  },
};

const logout: CommandSpec = {
  name: 'logout',
  summary: "revoke this machine's API token and forget it",
  args: [],
  description: [
    'Revokes the stored API token on the server (revokeApiToken) and deletes it from the config folder. When the server cannot be reached the token is deleted here all the same, and the exit code is 3: revoke it later with revokeApiToken from another login. Pinned certificate keys are kept.',
  ],
  async run(context) {
    const credential = context.store.credential(context.url);
    if (!credential) {
      context.emit({ server: context.url, loggedOut: false, revoked: false }, () => `Not logged in to ${context.url}; nothing to do.`);
      return ExitCode.Ok;
    }
    let revoked = false;
    try {
      await revokeToken(context.api, credential);
      revoked = true;
    } catch (error) {
      // A token the server no longer accepts is as good as revoked; anything else is reported.
      if (!(error instanceof CliError) || error.code !== 'UNAUTHENTICATED') throw forgetting(context, error);
    }
    context.store.removeCredential(context.url);
    context.emit({ server: context.url, loggedOut: true, revoked, handle: credential.handle }, () =>
      revoked
        ? `Logged out of ${context.url}: token "${credential.tokenName}" revoked and deleted.`
        : `Logged out of ${context.url}: the server no longer accepted the token; deleted it here.`,
    );
    return ExitCode.Ok;
  },
};

/** The credential is deleted locally even when revoking failed; the error still decides the exit code. */
function forgetting(context: CommandContext, error: unknown): unknown {
  context.store.removeCredential(context.url);
  if (error instanceof CliError) {
    return new CliError(
      error.exitCode,
      error.code,
      `${error.message}; the token was deleted here but not revoked: revoke it from another login (me { apiTokens })`,
      error.reason,
    );
  }
  return error;
}

interface AuthPayload {
  accessToken: string;
  user: { handle: string };
}

/**
 * Turns a fresh session into a stored API token: creates the token, ends the session (it would
 * otherwise live on for 30 days with nothing holding it), replaces any older token of this
 * machine for this server (revoked), and pins the certificate keys.
 */
async function finishLogin(context: CommandContext, auth: AuthPayload, done: string): Promise<ExitCode> {
  const session = context.api.as(auth.accessToken);
  const tokenName = `proving CLI ${hostname().slice(0, 20)} ${new Date().toISOString()}`.slice(0, TOKEN_NAME_MAX);
  const created = await session.graphql<{ createApiToken: { token: string; apiToken: { id: string } } }>(
    'mutation($name: String!) { createApiToken(name: $name) { token apiToken { id } } }',
    { name: tokenName },
  );
  await session.graphql('mutation { logout }').catch(() => undefined);
  const previous = context.store.credential(context.url);
  // The previous login's token of this machine: replaced, so revoked (best effort: it may be revoked already).
  if (previous) await revokeToken(context.api, previous).catch(() => undefined);
  const credential: Credential = {
    token: created.createApiToken.token,
    tokenId: created.createApiToken.apiToken.id,
    tokenName,
    handle: auth.user.handle,
    createdAt: new Date().toISOString(),
  };
  context.store.saveCredential(context.url, credential);
  const pinned = await pinCertificateKeys(context);
  context.emit({ server: context.url, handle: credential.handle, tokenName, configDir: context.store.dir, pinnedKeys: pinned }, () =>
    [
      `${done[0]!.toUpperCase()}${done.slice(1)} to ${context.url} as ${credential.handle}.`,
      `API token "${tokenName}" stored in ${context.store.dir}.`,
      pinned.length > 0
        ? `Pinned certificate key${pinned.length > 1 ? 's' : ''} ${pinned.join(', ')} for offline verify.`
        : 'The server has no certificate key yet; it is pinned with your first certificate.',
    ].join('\n'),
  );
  return ExitCode.Ok;
}

/** Revokes a stored token with the token itself (an API token may revoke itself). */
async function revokeToken(api: ApiClient, credential: Credential): Promise<void> {
  await api.as(credential.token).graphql('mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }', { id: credential.tokenId });
}

async function valueOrPrompt(context: CommandContext, input: CommandInput, option: string, question: string): Promise<string> {
  const given = input.options[option] as string | undefined;
  if (given !== undefined) return given;
  if (!context.settings.stdinIsTTY || input.options['password-stdin']) {
    throw new UsageError(`--${option} is required when there is no terminal to ask on`);
  }
  return (await context.ask(question, false)).trim();
}

async function passwordOf(context: CommandContext, input: CommandInput): Promise<string> {
  if (input.options['password-stdin']) {
    const password = await readAll(context.stdin);
    if (password.length === 0) throw new UsageError('--password-stdin read an empty password');
    return password;
  }
  if (!context.settings.stdinIsTTY) {
    throw new UsageError('no terminal to ask for the password on: pass --password-stdin and pipe it in');
  }
  return context.ask('Password: ', true);
}

export const ACCOUNT_COMMANDS: CommandSpec[] = [register, login, logout];
