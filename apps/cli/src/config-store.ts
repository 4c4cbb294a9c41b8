import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, ExitCode } from './cli-errors';

/** What `login` keeps per server: an API token made for this machine (docs/cli.md says why). */
export interface Credential {
  /** `pgt_…`: sent as `Authorization: Bearer`. */
  token: string;
  /** The token's id, to revoke it at logout. */
  tokenId: string;
  tokenName: string;
  handle: string;
  createdAt: string;
}

/** A certificate key pinned at login, by keyId: offline `verify` trusts these, never the document's own key. */
export interface PinnedKey {
  keyId: string;
  publicKey: string;
  /** The server it was fetched from. */
  server: string;
  pinnedAt: string;
}

const CREDENTIALS = 'credentials.json';
const KEYS = 'certificate-keys.json';

/**
 * The config folder (`$XDG_CONFIG_HOME/proving` or `~/.config/proving`): credentials per server
 * URL and the pinned certificate keys. The folder is 700 and the files 600, set on every write
 * (also when they already existed with looser modes), since they hold bearer tokens.
 */
export class ConfigStore {
  constructor(readonly dir: string) {}

  credential(server: string): Credential | null {
    return this.read<Record<string, Credential>>(CREDENTIALS)[normaliseServer(server)] ?? null;
  }

  saveCredential(server: string, credential: Credential): void {
    const all = this.read<Record<string, Credential>>(CREDENTIALS);
    all[normaliseServer(server)] = credential;
    this.write(CREDENTIALS, all);
  }

  /** @returns whether a credential was stored for this server. */
  removeCredential(server: string): boolean {
    const all = this.read<Record<string, Credential>>(CREDENTIALS);
    const key = normaliseServer(server);
    if (!(key in all)) return false;
    delete all[key];
    this.write(CREDENTIALS, all);
    return true;
  }

  /** Adds keys (by keyId; a key's id is the hash of the key, so a keyId never changes meaning). */
  pinKeys(server: string, keys: Array<{ keyId: string; publicKey: string }>, now = new Date()): PinnedKey[] {
    const all = this.read<Record<string, PinnedKey>>(KEYS);
    for (const key of keys) {
      if (!all[key.keyId])
        all[key.keyId] = { keyId: key.keyId, publicKey: key.publicKey, server: normaliseServer(server), pinnedAt: now.toISOString() };
    }
    this.write(KEYS, all);
    return Object.values(all);
  }

  pinnedKey(keyId: string): PinnedKey | null {
    return this.read<Record<string, PinnedKey>>(KEYS)[keyId] ?? null;
  }

  private read<T extends object>(file: string): T {
    const path = join(this.dir, file);
    if (!existsSync(path)) return {} as T;
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as T;
    } catch (error) {
      throw new CliError(ExitCode.Failed, 'CONFIG_UNREADABLE', `cannot read ${path}: ${(error as Error).message}; fix or delete it`);
    }
  }

  private write(file: string, value: object): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
    const path = join(this.dir, file);
    // Written beside and renamed, so a crash never leaves half a file; created 600, never wider.
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, path);
  }

  /** The mode bits of a stored file (tests, and a warning if someone widened them). */
  modeOf(file: 'credentials' | 'keys'): number | null {
    const path = join(this.dir, file === 'credentials' ? CREDENTIALS : KEYS);
    return existsSync(path) ? statSync(path).mode & 0o777 : null;
  }
}

/** One spelling per server: `http://Localhost:3000/` and `http://localhost:3000` are the same login. */
export function normaliseServer(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '');
}
