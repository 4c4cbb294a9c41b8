import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isProcessAlive } from '@app/config';
import type { SandboxTask, SandboxTaskKind } from '../../../../sandboxes/task';
import type { HostConfig, HostReply, HostRequest, SandboxFailureCode, SandboxHostLimits, SandboxOutcome } from './sandbox-outcome';

export type { SandboxFailureCode, SandboxHostLimits, SandboxOutcome, SandboxTaskOf } from './sandbox-outcome';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/**
 * Address space, measured on this machine (Node 24.22, x64, 2026-11-30) with `prlimit --as` on a
 * host that runs QuickJS (sandboxes/code-runner) and onnxruntime-node in Piscina workers
 * (VmPeak, the most address space the process ever had reserved):
 * - Node alone reserves ~1.3 GiB; each worker thread adds ~0.6–0.7 GiB (its V8 heap and code
 *   ranges, glibc's per-thread malloc arena, ONNX Runtime's thread pool): 1 worker 2.1 GiB,
 *   2 workers 2.9 GiB, 4 workers 4.3 GiB, with a QuickJS run and two catalog models loaded.
 * - Below 2 GiB no worker starts (V8 cannot reserve its heaps); 2 GiB runs one ONNX Runtime
 *   worker but not QuickJS; 3 GiB runs two workers with both.
 * - A QuickJS instance reserves its whole linear memory up front: 16 MiB + the test's memoryBytes
 *   (the catalog allows up to 1 GiB), so 2 workers × 1 GiB tests peaked at 4.9 GiB.
 * - WebAssembly: with V8's trap handler, every WASM memory reserves ~10 GiB of guard regions. Node
 *   turns the trap handler off by itself when RLIMIT_AS is below 16 GiB; at 16 GiB and above two
 *   concurrent QuickJS instances failed ("WebAssembly.Memory(): could not allocate memory"). The
 *   host therefore always runs with --disable-wasm-trap-handler (explicit bounds checks; no
 *   measurable slowdown of QuickJS here), which makes every cap work the same way.
 * Default: 2 GiB + 2 GiB per worker (≈ 1.3 GiB per worker left for the task itself), i.e. 4 GiB
 * for one worker, 6 GiB for two. The cap counts reservations, not resident memory.
 */
export function defaultMemoryLimitBytes(threads: number): number {
  return 2 * GIB + threads * 2 * GIB;
}

/** One core is left for the scorer's own process; more than 4 concurrent sandboxes buys little. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

/** Ample for parity reports and QuickJS's host side; tensors and WASM memories live outside it. */
export const DEFAULT_WORKER_HEAP_MB = 512;
/**
 * QuickJS's stack limit only trips first when the worker's own stack is ≈ 4× larger
 * (sandboxes/code-runner/types.ts): 4 × its maximum of 4 MiB.
 */
export const DEFAULT_WORKER_STACK_MB = 16;
const PRLIMIT_CANDIDATES = ['/usr/bin/prlimit', '/bin/prlimit'];
const STDERR_TAIL_CHARS = 4096;
const DEFAULT_START_TIMEOUT_MS = 60_000;
/** How long a cancelled task's worker may take to stop before the whole host is killed. */
const CANCEL_GRACE_MS = 2_000;
/** A dying host's stderr that says memory ran out (V8's fatal OOM, C++ bad_alloc, ORT's allocator). */
const DIED_OUT_OF_MEMORY = /out of memory|bad_alloc|failed to allocate|cannot allocate memory/i;

export interface SandboxHostOptions {
  /** RLIMIT_AS of the host process; null runs it without a cap. Default {@link defaultMemoryLimitBytes}. */
  memoryLimitBytes?: number | null;
  /** Piscina workers, i.e. tasks that may run at once. Default {@link defaultThreads}. */
  threads?: number;
  /** JS heap (old generation) per worker; reaching it is SANDBOX_LIMIT. */
  workerHeapMb?: number;
  workerStackMb?: number;
  /** The compiled host entry. Default: host.main.js beside this file's compiled version in dist/. */
  hostMainPath?: string;
  /** The prlimit binary; null: none (no cap). Default: /usr/bin/prlimit or /bin/prlimit if present. */
  prlimitPath?: string | null;
  startTimeoutMs?: number;
  /** Where the supervisor reports host starts, deaths and kills (a scorer passes its logger). */
  log?: (message: string) => void;
  /** Folder that holds the hosts' working directories, one sub-folder per supervising process. Default {@link defaultWorkRoot}. */
  workRoot?: string;
}

/**
 * `<tmpdir>/proving-sandboxes`: the hosts' working directories live in `<root>/<pid of the
 * supervising process>/`. A host's folder is removed when the supervisor sees the host exit; a
 * supervisor that is SIGKILLed sees nothing (its hosts kill themselves when the IPC channel
 * closes), so the next supervisor to start on the machine removes the folders of processes that
 * are gone ({@link sweepAbandonedWorkDirs}).
 */
export function defaultWorkRoot(): string {
  return join(tmpdir(), 'proving-sandboxes');
}

/**
 * Removes the working directories left under `root` by supervising processes that no longer run
 * (named by their pid). A pid that was reused since keeps its folder until that process is gone
 * too. @returns the folders removed
 */
export function sweepAbandonedWorkDirs(root: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return []; // no root yet: nothing left behind
  }
  const removed: string[] = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (!/^\d+$/.test(entry) || pid === process.pid || isProcessAlive(pid)) continue;
    try {
      rmSync(join(root, entry), { recursive: true, force: true });
      removed.push(join(root, entry));
    } catch {
      // another user's folder, or one being swept by another scorer: left alone
    }
  }
  return removed;
}

export interface SandboxRunOptions {
  /** From the moment the task reaches the host; past it the host is killed and replaced. */
  timeoutMs: number;
  /** Run alone: wait until no other task runs on the host and keep others out meanwhile (timing). */
  exclusive?: boolean;
  /** Cancels the task: the returned promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

interface Job {
  id: number;
  task: SandboxTask;
  timeoutMs: number;
  exclusive: boolean;
  resolve: (outcome: SandboxOutcome) => void;
  reject: (reason: unknown) => void;
  settled: boolean;
  /** Already re-run alone after a death that could not be pinned on one task. */
  rerunAlone: boolean;
  timer?: NodeJS.Timeout;
  detachSignal?: () => void;
}

interface HostProcess {
  child: ChildProcess;
  pid: number;
  cwd: string;
  state: 'starting' | 'ready' | 'retired';
  limits?: SandboxHostLimits;
  stderrTail: string;
  running: Map<number, Job>;
  exited: Promise<void>;
}

/**
 * Supervises the sandbox host: a child process (apps/scorer/src/sandbox/host.main.ts) with an empty
 * environment, a fresh empty working directory and an address-space cap, running a Piscina pool of
 * `sandboxes/*`. Every task gets a defined outcome ({@link SandboxOutcome}):
 * - past its timeout the host's whole process group is SIGKILLed and a new host started
 *   (SANDBOX_TIMEOUT; tasks running beside it get HOST_LOST);
 * - a host that dies while running one task gives that task SANDBOX_CRASHED, or SANDBOX_LIMIT when
 *   it died of memory; when several tasks ran, no one of them can be blamed, so each is run again
 *   alone on the new host (a task that kills the host again alone gets the verdict);
 * - memory errors the host survives (the worker's heap limit, an allocation refused under the cap)
 *   are SANDBOX_LIMIT, other errors SANDBOX_FAILED.
 * At most `threads` tasks are on the host at once (the rest wait here, their timeout not started);
 * an exclusive task runs alone. The queue is first in, first out, so a waiting exclusive task is
 * not starved by later ones.
 */
export class SandboxHost {
  private readonly memoryLimitBytes: number | null;
  private readonly config: HostConfig;
  private readonly hostMainPath: string;
  private readonly prlimitPath: string | null;
  private readonly startTimeoutMs: number;
  private readonly log: (message: string) => void;
  /** This process's folder of host working directories (shared by every SandboxHost in it). */
  private readonly workDir: string;
  private readonly workRoot: string;

  private host: HostProcess | null = null;
  private starting: Promise<HostProcess> | null = null;
  private readonly processes = new Set<HostProcess>();
  private readonly queue: Job[] = [];
  private nextJobId = 1;
  private launches = 0;
  private stopped = false;
  /** One-off hosts of runIsolated that are still running (stop() stops them too). */
  private readonly isolated = new Set<SandboxHost>();

  constructor(private readonly options: SandboxHostOptions = {}) {
    const threads = options.threads ?? defaultThreads();
    this.config = {
      threads: positive(threads, 'threads'),
      workerHeapMb: positive(options.workerHeapMb ?? DEFAULT_WORKER_HEAP_MB, 'workerHeapMb'),
      workerStackMb: positive(options.workerStackMb ?? DEFAULT_WORKER_STACK_MB, 'workerStackMb'),
    };
    const memory = options.memoryLimitBytes === undefined ? defaultMemoryLimitBytes(threads) : options.memoryLimitBytes;
    this.memoryLimitBytes = memory === null ? null : positive(memory, 'memoryLimitBytes');
    this.hostMainPath = options.hostMainPath ?? defaultHostMainPath();
    this.prlimitPath =
      options.prlimitPath === undefined ? (PRLIMIT_CANDIDATES.find((path) => existsSync(path)) ?? null) : options.prlimitPath;
    this.startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    this.log = options.log ?? (() => undefined);
    this.workRoot = options.workRoot ?? defaultWorkRoot();
    this.workDir = join(this.workRoot, String(process.pid));
  }

  /** How many times a host was replaced (after a timeout, a death or a cancelled task that hung). */
  get restarts(): number {
    return Math.max(0, this.launches - 1);
  }

  /** The running host's process id, or null while none is ready. */
  get pid(): number | null {
    return this.host?.state === 'ready' ? this.host.pid : null;
  }

  /** The limits the running host reported, or null while none is ready. */
  get limits(): SandboxHostLimits | null {
    return this.host?.state === 'ready' ? (this.host.limits ?? null) : null;
  }

  /** Starts the host (and resumes after stop()); resolves once a worker has answered. */
  async start(): Promise<void> {
    this.stopped = false;
    const swept = sweepAbandonedWorkDirs(this.workRoot);
    if (swept.length > 0)
      this.log(`removed ${swept.length} working folder(s) left by sandbox supervisors that are gone: ${swept.join(', ')}`);
    await this.ensureHost();
  }

  /**
   * Runs one task in the host. Resolves with its result or a defined failure; rejects only when
   * the caller's signal aborts it, or when the task cannot cross the IPC boundary (a programming error).
   */
  run<K extends SandboxTaskKind>(task: SandboxTask & { kind: K }, options: SandboxRunOptions): Promise<SandboxOutcome<K>> {
    positive(options.timeoutMs, 'timeoutMs');
    return new Promise<SandboxOutcome<K>>((resolvePromise, rejectPromise) => {
      const signal = options.signal;
      if (signal?.aborted) {
        rejectPromise(signal.reason);
        return;
      }
      if (this.stopped) {
        resolvePromise({ ok: false, code: 'HOST_LOST', message: 'the sandbox host is stopped' });
        return;
      }
      const job: Job = {
        id: this.nextJobId++,
        task,
        timeoutMs: options.timeoutMs,
        exclusive: options.exclusive ?? false,
        resolve: resolvePromise as (outcome: SandboxOutcome) => void,
        reject: rejectPromise,
        settled: false,
        rerunAlone: false,
      };
      if (signal) {
        const onAbort = () => this.cancel(job, signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        job.detachSignal = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(job);
      this.pump();
    });
  }

  /**
   * Runs one task in a one-off host of its own, started for it and killed after it: the same
   * isolation as this host's (empty environment, fresh working directory, address-space cap — the
   * one-worker default unless a cap was given), one worker, nothing else in the process. For
   * measurements of a whole process, such as a model's peak memory (`onnx.memory`, DESIGN.md §8).
   * The outcomes are run()'s; the host's start (~0.7 s) is not counted in `timeoutMs`.
   */
  async runIsolated<K extends SandboxTaskKind>(
    task: SandboxTask & { kind: K },
    options: Omit<SandboxRunOptions, 'exclusive'>,
  ): Promise<SandboxOutcome<K>> {
    positive(options.timeoutMs, 'timeoutMs');
    if (this.stopped) return { ok: false, code: 'HOST_LOST', message: 'the sandbox host is stopped' };
    const oneOff = new SandboxHost({ ...this.options, threads: 1, log: (message) => this.log(`one-off ${message}`) });
    this.isolated.add(oneOff);
    try {
      return await oneOff.run<K>(task, options);
    } finally {
      await oneOff.stop();
      this.isolated.delete(oneOff);
    }
  }

  /** Kills the host (its tasks and waiting ones get HOST_LOST) and waits until no host process is left. */
  async stop(): Promise<void> {
    this.stopped = true;
    const isolated = [...this.isolated].map((oneOff) => oneOff.stop());
    for (const job of this.queue.splice(0)) this.settle(job, { ok: false, code: 'HOST_LOST', message: 'the sandbox host was stopped' });
    const processes = [...this.processes];
    for (const host of processes) this.kill(host, 'the sandbox host was stopped');
    await this.starting?.catch(() => undefined);
    await Promise.all([...processes.map((host) => host.exited), ...isolated]);
    try {
      // Only once empty: another SandboxHost of this process may still have hosts in it.
      rmdirSync(this.workDir);
    } catch {
      // not empty, or already gone
    }
  }

  private ensureHost(): Promise<HostProcess> {
    if (this.host?.state === 'ready') return Promise.resolve(this.host);
    if (!this.starting) {
      this.starting = this.launch().finally(() => {
        this.starting = null;
      });
    }
    return this.starting;
  }

  /** Starts the next queued tasks that may run now; starts a host first when none is ready. */
  private pump(): void {
    if (this.stopped) return;
    while (this.queue.length > 0) {
      const host = this.host;
      if (host?.state !== 'ready') {
        this.ensureHost().then(
          () => this.pump(),
          (error: unknown) => this.failQueued(error),
        );
        return;
      }
      const head = this.queue[0]!;
      const running = [...host.running.values()];
      const mayStart = head.exclusive
        ? running.length === 0
        : running.length < this.config.threads && !running.some((job) => job.exclusive);
      if (!mayStart) return;
      this.queue.shift();
      this.dispatch(host, head);
    }
  }

  private dispatch(host: HostProcess, job: Job): void {
    host.running.set(job.id, job);
    job.timer = setTimeout(() => this.timedOut(host, job), job.timeoutMs);
    const request: HostRequest = { type: 'run', id: job.id, task: job.task };
    try {
      // A failed send means the channel closed: the host's exit is handled where it is reported.
      host.child.send(request, undefined, {}, () => undefined);
    } catch (error) {
      host.running.delete(job.id);
      clearTimeout(job.timer);
      if (!job.settled) {
        job.settled = true;
        job.detachSignal?.();
        job.reject(error);
      }
      queueMicrotask(() => this.pump());
    }
  }

  private timedOut(host: HostProcess, job: Job): void {
    host.running.delete(job.id);
    if (job.settled) {
      this.kill(host, `a cancelled task (#${job.id}) did not stop within ${CANCEL_GRACE_MS} ms`);
    } else {
      this.settle(job, { ok: false, code: 'SANDBOX_TIMEOUT', message: `the task did not finish within ${job.timeoutMs} ms` });
      this.kill(host, `task #${job.id} (${job.task.kind}) ran past its ${job.timeoutMs} ms timeout`);
    }
    this.replace();
  }

  private cancel(job: Job, reason: unknown): void {
    if (job.settled) return;
    job.settled = true;
    job.detachSignal?.();
    job.reject(reason);
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      return;
    }
    const host = [...this.processes].find((candidate) => candidate.running.get(job.id) === job);
    if (!host) return;
    // The worker is terminated by Piscina; one stuck in native code is not, hence the grace timer.
    clearTimeout(job.timer);
    job.timer = setTimeout(() => this.timedOut(host, job), CANCEL_GRACE_MS);
    const request: HostRequest = { type: 'cancel', id: job.id };
    host.child.send(request, undefined, {}, () => undefined);
  }

  private settle(job: Job, outcome: SandboxOutcome): void {
    clearTimeout(job.timer);
    if (job.settled) return;
    job.settled = true;
    job.detachSignal?.();
    job.resolve(outcome);
  }

  private failQueued(error: unknown): void {
    if (this.stopped) return; // stop() killed a host that was starting: nothing is waiting for it
    this.log(`the sandbox host could not start: ${error instanceof Error ? error.message : String(error)}`);
    for (const job of this.queue.splice(0)) this.settle(job, { ok: false, code: 'HOST_LOST', message: 'the sandbox host could not start' });
  }

  /** After a kill or a death: a new host at once, so the next task does not wait for it. */
  private replace(): void {
    if (this.stopped) return;
    this.ensureHost().then(
      () => this.pump(),
      (error: unknown) => this.failQueued(error),
    );
  }

  private launch(): Promise<HostProcess> {
    if (!existsSync(this.hostMainPath)) {
      return Promise.reject(
        new Error(`the sandbox host entry ${this.hostMainPath} does not exist; build the project first (npm run build)`),
      );
    }
    // Both synchronous, so no other SandboxHost of this process can remove the folder in between.
    mkdirSync(this.workDir, { recursive: true });
    const cwd = mkdtempSync(join(this.workDir, 'host-'));
    // Explicit bounds checks instead of ~10 GiB of guard regions per WASM memory (see defaultMemoryLimitBytes).
    const nodeArgs = ['--disable-wasm-trap-handler', this.hostMainPath, JSON.stringify(this.config)];
    let command = process.execPath;
    let args = nodeArgs;
    if (this.memoryLimitBytes !== null && this.prlimitPath !== null) {
      command = this.prlimitPath;
      args = [`--as=${this.memoryLimitBytes}`, '--', process.execPath, ...nodeArgs];
    } else if (this.memoryLimitBytes !== null) {
      this.log('prlimit was not found: the sandbox host runs WITHOUT an address-space cap (install util-linux)');
    }
    const child = spawn(command, args, {
      env: {},
      cwd,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
      // Its own process group, so a kill reaches everything it started.
      detached: true,
    });
    this.launches++;
    let markExited: () => void = () => undefined;
    const host: HostProcess = {
      child,
      pid: child.pid ?? -1,
      cwd,
      state: 'starting',
      stderrTail: '',
      running: new Map(),
      exited: new Promise<void>((resolveExit) => (markExited = resolveExit)),
    };
    this.processes.add(host);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      host.stderrTail = (host.stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });

    return new Promise<HostProcess>((resolveReady, rejectReady) => {
      const startTimer = setTimeout(() => {
        this.kill(host, 'start timeout');
        rejectReady(new Error(`the sandbox host did not become ready within ${this.startTimeoutMs} ms`));
      }, this.startTimeoutMs);
      let exitHandled = false;
      let becameReady = false;
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        if (exitHandled) return;
        exitHandled = true;
        clearTimeout(startTimer);
        this.processes.delete(host);
        rmSync(cwd, { recursive: true, force: true });
        markExited();
        if (!becameReady) {
          host.state = 'retired';
          const tail = host.stderrTail.trim();
          rejectReady(new Error(`the sandbox host exited before it was ready (${describeExit(code, signal)})${tail ? `: ${tail}` : ''}`));
        } else if (host.state === 'ready') {
          this.died(host, code, signal);
        }
      };
      child.on('exit', onExit);
      // spawn failures (no such binary) report 'error' and may never report 'exit'.
      child.on('error', (error) => {
        host.stderrTail += `\n${error.message}`;
        if (child.pid === undefined) onExit(null, null);
      });
      child.on('message', (raw: unknown) => {
        if (host.state === 'retired') return;
        const reply = raw as HostReply;
        if (reply.type === 'ready') {
          clearTimeout(startTimer);
          becameReady = true;
          host.state = 'ready';
          host.limits = reply.limits;
          this.host = host;
          this.checkLimits(reply.limits);
          resolveReady(host);
          return;
        }
        this.answered(host, reply);
      });
    });
  }

  private checkLimits(limits: SandboxHostLimits): void {
    if (this.memoryLimitBytes !== null && this.prlimitPath !== null && limits.addressSpaceBytes !== this.memoryLimitBytes) {
      this.log(
        `the sandbox host reports an address-space limit of ${String(limits.addressSpaceBytes)} bytes, not ${this.memoryLimitBytes}`,
      );
    }
  }

  private answered(host: HostProcess, reply: Extract<HostReply, { type: 'result' }>): void {
    const job = host.running.get(reply.id);
    if (!job) return;
    host.running.delete(reply.id);
    clearTimeout(job.timer);
    if (reply.ok) {
      this.settle(job, { ok: true, result: reply.result as never });
    } else if (reply.error.code === 'CANCELLED') {
      // Only the supervisor cancels, and it has already answered the caller.
      this.settle(job, { ok: false, code: 'HOST_LOST', message: 'the task was cancelled by the sandbox host' });
    } else {
      if (reply.error.detail && reply.error.code === 'SANDBOX_LIMIT') this.log(`task #${job.id} (${job.task.kind}): ${reply.error.detail}`);
      this.settle(job, { ok: false, code: reply.error.code, message: reply.error.message });
    }
    this.pump();
  }

  /** The running host died on its own: blame the one task it ran, or re-run each suspect alone. */
  private died(host: HostProcess, code: number | null, signal: NodeJS.Signals | null): void {
    host.state = 'retired';
    if (this.host === host) this.host = null;
    const cause = causeOfDeath(code, signal, host.stderrTail);
    const suspects = [...host.running.values()];
    host.running.clear();
    const tail = host.stderrTail.trim().split('\n').slice(-8).join('\n');
    this.log(
      `sandbox host ${host.pid} died (${describeExit(code, signal)}) with ${suspects.length} task(s) running${tail ? `; stderr: ${tail}` : ''}`,
    );
    const live = suspects.filter((job) => !job.settled);
    for (const job of suspects) clearTimeout(job.timer);
    if (live.length === 1) {
      this.settle(live[0]!, { ok: false, code: cause.code, message: cause.message });
    } else if (live.length > 1) {
      for (const job of live) {
        job.rerunAlone = true;
        job.exclusive = true;
      }
      this.queue.unshift(...live);
    }
    this.replace();
  }

  /** SIGKILLs a host's process group; its running tasks that have no outcome yet get HOST_LOST. */
  private kill(host: HostProcess, reason: string): void {
    const wasLive = host.state !== 'retired';
    host.state = 'retired';
    if (this.host === host) this.host = null;
    for (const job of host.running.values()) {
      this.settle(job, { ok: false, code: 'HOST_LOST', message: `the sandbox host was killed because ${reason}` });
    }
    host.running.clear();
    if (wasLive) this.log(`killing sandbox host ${host.pid}: ${reason}`);
    for (const target of [-host.pid, host.pid]) {
      try {
        process.kill(target, 'SIGKILL');
        break;
      } catch {
        // The group is already gone (or was never created): try the process itself, then give up.
      }
    }
  }
}

function causeOfDeath(
  code: number | null,
  signal: NodeJS.Signals | null,
  stderrTail: string,
): { code: SandboxFailureCode; message: string } {
  if (DIED_OUT_OF_MEMORY.test(stderrTail)) {
    return { code: 'SANDBOX_LIMIT', message: 'the task ran out of memory and the sandbox host died' };
  }
  if (signal === 'SIGKILL') {
    return { code: 'SANDBOX_LIMIT', message: "the sandbox host was killed (SIGKILL), most likely by the kernel's out-of-memory killer" };
  }
  return { code: 'SANDBOX_CRASHED', message: `the sandbox host crashed (${describeExit(code, signal)}) while running the task` };
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `signal ${signal}`;
  return code === null ? 'it could not be started' : `exit code ${code}`;
}

function defaultHostMainPath(): string {
  // Compiled, this file sits beside host.main.js in dist/. Run from source (Jest), the host is
  // still the compiled one: Piscina loads the compiled worker files.
  return __filename.endsWith('.ts')
    ? resolve(__dirname, '../../../../dist/apps/scorer/src/sandbox/host.main.js')
    : join(__dirname, 'host.main.js');
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${String(value)}`);
  return value;
}
