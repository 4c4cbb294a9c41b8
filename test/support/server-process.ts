import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

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
