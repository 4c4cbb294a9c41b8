import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { ProbeResult } from '../../sandboxes/probe/types';
import { SandboxHost, type SandboxOutcome } from '../../apps/scorer/src/sandbox/sandbox-host';

/**
 * The sandbox host as the scorer runs it: real child processes started from the compiled host in
 * dist/ (run after `npm run build`). The only timing bound asserted is the one the scorer relies
 * on: a task that does not answer gets its outcome within its timeout + 2 s.
 */
const GIB = 1024 ** 3;
const MEMORY_LIMIT_BYTES = 6 * GIB;
const TIMEOUT_MS = 3_000;
const ALLOCATION_TIMEOUT_MS = 30_000;
const SLACK_MS = 2_000;
/** Node puts its IPC channel into a forked child's environment (and removes it from process.env). */
const NODE_IPC_VARIABLES = ['NODE_CHANNEL_FD', 'NODE_CHANNEL_SERIALIZATION_MODE'];

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function echoed(outcome: SandboxOutcome<'probe'>): ProbeResult {
  if (!outcome.ok) throw new Error(`expected an answer, got ${outcome.code}: ${outcome.message}`);
  return outcome.result;
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const startedAt = performance.now();
  const value = await work;
  return { value, ms: performance.now() - startedAt };
}

describe('sandbox host', () => {
  const logged: string[] = [];
  const host = new SandboxHost({ memoryLimitBytes: MEMORY_LIMIT_BYTES, threads: 2, log: (message) => logged.push(message) });
  const echo = (payload = 'ping', delayMs?: number, exclusive = false) =>
    host.run({ kind: 'probe', probe: 'echo', payload, ...(delayMs === undefined ? {} : { delayMs }) }, { timeoutMs: 20_000, exclusive });

  beforeAll(() => host.start());
  afterAll(() => host.stop());

  it('runs a task in a process with an empty environment, a fresh empty working directory and the address-space cap', async () => {
    const result = echoed(await echo('hello'));
    expect(result.echoed).toBe('hello');
    expect(result.pid).toBe(host.pid);
    expect(result.pid).not.toBe(process.pid);
    expect(result.envKeyCount).toBe(0);
    expect(result.processEnvironNames?.every((name) => NODE_IPC_VARIABLES.includes(name))).toBe(true);
    expect(result.cwd.startsWith(tmpdir())).toBe(true);
    expect(result.cwd).not.toBe(process.cwd());
    expect(result.cwdEntries).toBe(0);
    expect(result.addressSpaceLimitBytes).toBe(MEMORY_LIMIT_BYTES);
    expect(host.limits).toMatchObject({ addressSpaceBytes: MEMORY_LIMIT_BYTES, threads: 2 });
  });

  it('ends a task that spins with SANDBOX_TIMEOUT within its timeout + 2 s and runs the next one on a new host', async () => {
    const before = host.pid!;
    const restarts = host.restarts;
    const { value, ms } = await timed(host.run({ kind: 'probe', probe: 'spin' }, { timeoutMs: TIMEOUT_MS }));
    expect(value).toMatchObject({ ok: false, code: 'SANDBOX_TIMEOUT' });
    expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    const next = echoed(await echo());
    expect(next.pid).not.toBe(before);
    expect(isAlive(before)).toBe(false);
    expect(host.restarts).toBe(restarts + 1);
  });

  it('ends a task that exhausts its JS heap with SANDBOX_LIMIT; the next task runs', async () => {
    const { value, ms } = await timed(host.run({ kind: 'probe', probe: 'allocate-js' }, { timeoutMs: ALLOCATION_TIMEOUT_MS }));
    expect(value).toMatchObject({ ok: false, code: 'SANDBOX_LIMIT' });
    expect(ms).toBeLessThan(ALLOCATION_TIMEOUT_MS + SLACK_MS);
    expect(echoed(await echo('after js')).echoed).toBe('after js');
  });

  it('ends a task that allocates native memory without bound with SANDBOX_LIMIT under the cap; the next task runs', async () => {
    const { value, ms } = await timed(host.run({ kind: 'probe', probe: 'allocate-native' }, { timeoutMs: ALLOCATION_TIMEOUT_MS }));
    expect(value).toMatchObject({ ok: false, code: 'SANDBOX_LIMIT' });
    expect(ms).toBeLessThan(ALLOCATION_TIMEOUT_MS + SLACK_MS);
    expect(echoed(await echo('after native')).echoed).toBe('after native');
  });

  it('ends a task that segfaults the host with SANDBOX_CRASHED; the next task runs on a new host', async () => {
    const before = host.pid!;
    const { value, ms } = await timed(host.run({ kind: 'probe', probe: 'crash' }, { timeoutMs: TIMEOUT_MS }));
    expect(value).toMatchObject({ ok: false, code: 'SANDBOX_CRASHED' });
    expect(value.ok ? '' : value.message).toContain('SIGSEGV');
    expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    expect(echoed(await echo()).pid).not.toBe(before);
    expect(isAlive(before)).toBe(false);
  });

  it('gives HOST_LOST to a task that ran beside one that timed out', async () => {
    const [spin, bystander] = await Promise.all([
      host.run({ kind: 'probe', probe: 'spin' }, { timeoutMs: TIMEOUT_MS }),
      host.run({ kind: 'probe', probe: 'echo', delayMs: 10_000 }, { timeoutMs: 20_000 }),
    ]);
    expect(spin).toMatchObject({ ok: false, code: 'SANDBOX_TIMEOUT' });
    expect(bystander).toMatchObject({ ok: false, code: 'HOST_LOST' });
  });

  it('re-runs each task alone when the host dies under several: only the crashing one gets SANDBOX_CRASHED', async () => {
    const [crash, bystander] = await Promise.all([
      host.run({ kind: 'probe', probe: 'crash' }, { timeoutMs: TIMEOUT_MS }),
      host.run({ kind: 'probe', probe: 'echo', payload: 'innocent', delayMs: 500 }, { timeoutMs: TIMEOUT_MS }),
    ]);
    expect(crash).toMatchObject({ ok: false, code: 'SANDBOX_CRASHED' });
    expect(echoed(bystander).echoed).toBe('innocent');
  });

  it('runs an exclusive task alone: it waits for running tasks and later tasks wait for it', async () => {
    const first = echo('first', 600);
    const second = echo('second', 600);
    const alone = echo('alone', 300, true);
    const after = echo('after', 100);
    const [a, b, x, c] = (await Promise.all([first, second, alone, after])).map(echoed);
    // The two ordinary tasks ran side by side (threads: 2) …
    expect(b!.startedAt).toBeLessThan(a!.endedAt);
    // … the exclusive one started after both ended, and the later one after it ended.
    expect(x!.startedAt).toBeGreaterThanOrEqual(Math.max(a!.endedAt, b!.endedAt));
    expect(c!.startedAt).toBeGreaterThanOrEqual(x!.endedAt);
  });

  it('cancels a running task through its AbortSignal; the host stays and the next task runs', async () => {
    const before = host.pid;
    const controller = new AbortController();
    const spin = host.run({ kind: 'probe', probe: 'spin' }, { timeoutMs: 20_000, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('no longer needed')), 300);
    await expect(spin).rejects.toThrow('no longer needed');
    const next = echoed(await echo('after cancel'));
    expect(next.echoed).toBe('after cancel');
    expect(next.pid).toBe(before);
  });

  it('runs hidden tests of learner code in QuickJS inside the host, under its limits', async () => {
    const outcome = await host.run(
      {
        kind: 'code.hidden-tests',
        code: 'function add(a, b) { return a + b; }',
        language: 'javascript',
        entryPoint: 'add',
        tests: [
          { name: 'small numbers', args: [1, 2], expected: 3, compare: { mode: 'exact' } },
          { name: 'negative numbers', args: [-5, 2], expected: 4, compare: { mode: 'exact' } },
        ],
        limits: { memoryBytes: 64 * 1024 * 1024, stackBytes: 1024 * 1024, timeMsPerTest: 2_000, outputBytes: 4_096 },
      },
      { timeoutMs: 20_000 },
    );
    if (!outcome.ok) throw new Error(`${outcome.code}: ${outcome.message}`);
    expect(outcome.result.learner).toMatchObject({ compileError: null, passed: 1, total: 2 });
    expect(outcome.result.learner.tests.map((test) => test.outcome)).toEqual(['PASSED', 'WRONG_ANSWER']);
  });

  it('leaves no process and no working directory behind after stop()', async () => {
    const own = new SandboxHost({ memoryLimitBytes: MEMORY_LIMIT_BYTES, threads: 1 });
    await own.start();
    const result = echoed(await own.run({ kind: 'probe', probe: 'echo' }, { timeoutMs: 20_000 }));
    expect(isAlive(result.pid)).toBe(true);
    await own.stop();
    expect(isAlive(result.pid)).toBe(false);
    expect(existsSync(result.cwd)).toBe(false);
    expect(await own.run({ kind: 'probe', probe: 'echo' }, { timeoutMs: 1_000 })).toMatchObject({ ok: false, code: 'HOST_LOST' });
  });
});
