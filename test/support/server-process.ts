import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withClient } from '@app/testing';

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'apps', 'api', 'src', 'main.js');
const SCORER_MAIN = join(ROOT, 'dist', 'apps', 'scorer', 'src', 'main.js');
const SANDBOX_HOST_MAIN = join(ROOT, 'dist', 'apps', 'scorer', 'src', 'sandbox', 'host.main.js');

export interface ServerProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

/**
 * `npm start`'s process (the compiled server), with an environment that holds only what the
 * test gives it: nothing leaks in from the developer's shell.
 */
export function spawnServer(env: Record<string, string>, cwd: string): ServerProcess {
  return spawnCaptured(process.execPath, [MAIN], env, cwd);
}

/** A standalone scorer process (`node dist/apps/scorer/src/main.js`), environment as for spawnServer. */
export function spawnScorer(env: Record<string, string>, cwd: string): ServerProcess {
  return spawnCaptured(process.execPath, [SCORER_MAIN], env, cwd);
}

/** `node dist/libs/db/src/cli/scratch-database.js <database>`: a throwaway PostgreSQL that prints its URL. */
export function spawnScratchDatabase(database: string): ServerProcess {
  return spawnCaptured(process.execPath, [join(ROOT, 'dist', 'libs', 'db', 'src', 'cli', 'scratch-database.js'), database], {}, ROOT);
}

/**
 * A bash script of the project (e.g. scripts/fleet-example.sh), run from the project's root,
 * environment as for spawnServer. It leads a process group of its own, so a test can tell
 * whether anything it started outlived it (processesInGroup).
 */
export function spawnScript(script: string, env: Record<string, string>): ServerProcess {
  return spawnCaptured('bash', [join(ROOT, script)], env, ROOT, { detached: true });
}

function spawnCaptured(
  command: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
  options: { detached?: boolean } = {},
): ServerProcess {
  const child = spawn(command, args, {
    ...options,
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Polls GET /readyz until 200; resolves with the milliseconds it took. */
export async function waitUntilReady(url: string, server: ServerProcess, timeoutMs: number): Promise<number> {
  const started = Date.now();
  let exitedEarly: number | string | undefined;
  void server.exited.then((code) => (exitedEarly = code));
  while (Date.now() - started < timeoutMs) {
    if (exitedEarly !== undefined) throw new Error(`server exited (${exitedEarly}) before it was ready: ${server.stderr()}`);
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.status === 200) return Date.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not ready within ${timeoutMs} ms; stderr: ${server.stderr()}`);
}

/** Pids of the live processes in process group `pgid` (field 5 of /proc/<pid>/stat). */
export function processesInGroup(pgid: number): number[] {
  return liveProcesses()
    .filter((entry) => entry.pgid === pgid)
    .map((entry) => entry.pid);
}

/** Running sandbox host processes of this checkout's build, and their parents. */
export function sandboxHostProcesses(): { pid: number; ppid: number }[] {
  return liveProcesses()
    .filter((entry) => entry.cmdline.includes(SANDBOX_HOST_MAIN))
    .map(({ pid, ppid }) => ({ pid, ppid }));
}

/** Sandbox hosts of this checkout's build whose scorer is gone (re-parented to init). */
export function orphanSandboxHosts(): number[] {
  return sandboxHostProcesses()
    .filter((host) => host.ppid === 1)
    .map((host) => host.pid);
}

/** Polls the `Scorer` table until `scorer` has registered (a row with its pid, not stopped). */
export async function waitUntilRegistered(databaseUrl: string, scorer: ServerProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const registered = await withClient(
      databaseUrl,
      async (c) => (await c.query('SELECT 1 FROM "Scorer" WHERE pid = $1 AND "stoppedAt" IS NULL', [scorer.child.pid])).rowCount,
    );
    if (registered) return;
    if (scorer.child.exitCode !== null || scorer.child.signalCode !== null) throw new Error(`scorer exited: ${scorer.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`scorer did not register within ${timeoutMs} ms: ${scorer.stderr()}`);
}

function liveProcesses(): { pid: number; ppid: number; pgid: number; cmdline: string }[] {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // After the command name (which may hold spaces, in parentheses): state, ppid, pgrp.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid, pgid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z') continue; // exited, not yet reaped
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      found.push({ pid: Number(entry), ppid: Number(ppid), pgid: Number(pgid), cmdline });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}
