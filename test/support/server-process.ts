import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withClient } from '@app/testing';

const MAIN = join(__dirname, '..', '..', 'dist', 'apps', 'api', 'src', 'main.js');
const SCORER_MAIN = join(__dirname, '..', '..', 'dist', 'apps', 'scorer', 'src', 'main.js');

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
  return spawnMain(MAIN, env, cwd);
}

/** A standalone scorer process (`node dist/apps/scorer/src/main.js`), environment as for spawnServer. */
export function spawnScorer(env: Record<string, string>, cwd: string): ServerProcess {
  return spawnMain(SCORER_MAIN, env, cwd);
}

function spawnMain(main: string, env: Record<string, string>, cwd: string): ServerProcess {
  const child = spawn(process.execPath, [main], {
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

/** Running sandbox host processes (apps/scorer/src/sandbox/host.main.js) and their parents, from /proc. */
export function sandboxHostProcesses(): { pid: number; ppid: number }[] {
  const hosts: { pid: number; ppid: number }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const state = /State:\s+(\S)/.exec(status)?.[1];
      if (cmdline.includes('sandbox/host.main.js') && state !== 'Z')
        hosts.push({ pid: Number(entry), ppid: Number(/PPid:\s+(\d+)/.exec(status)?.[1]) });
    } catch {
      // gone meanwhile
    }
  }
  return hosts;
}
