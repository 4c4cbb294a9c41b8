/**
 * The sandbox host: a child process the scorer's SandboxHost starts with an empty environment, a
 * fresh empty working directory and an address-space cap (prlimit --as). It runs a Piscina pool
 * whose workers run `sandboxes/*` (dist/sandboxes/worker.js) and talks to its supervisor only over
 * the IPC channel: `{type:'run', id, task}` in, `{type:'result', id, ok, …}` out. It reads no
 * configuration from its environment (argv[2] holds the HostConfig as JSON).
 *
 * It dies with its supervisor: when the IPC channel closes it SIGKILLs itself, because a worker
 * stuck in native code (an ONNX Runtime run) would keep a graceful exit waiting forever.
 */
import { resolve } from 'node:path';
import { Piscina } from 'piscina';
import { readAddressSpaceLimit } from '../../../../sandboxes/probe';
import type { SandboxTask } from '../../../../sandboxes/task';
import type { HostConfig, HostErrorCode, HostReply, HostRequest, SandboxHostLimits } from './sandbox-outcome';

/** dist/apps/scorer/src/sandbox/host.main.js → dist/sandboxes/worker.js */
const WORKER_FILE = resolve(__dirname, '../../../../sandboxes/worker.js');
const MAX_MESSAGE_CHARS = 2_000;
const MIB = 1024 * 1024;
/**
 * Errors that mean memory ran out rather than a fault of the task's logic: V8's ArrayBuffer and
 * WebAssembly.Memory allocation failures, C++ std::bad_alloc (ONNX Runtime reports it as text, as
 * it does its own "Failed to allocate memory"), malloc's ENOMEM.
 */
const OUT_OF_MEMORY = /allocation failed|bad_alloc|failed to allocate|could not allocate|out of memory|cannot allocate memory|ENOMEM/i;

function main(): void {
  const send = process.send?.bind(process);
  if (!send) {
    process.stderr.write('the sandbox host must be started by SandboxHost, with an IPC channel\n');
    process.exit(2);
  }
  const config = parseConfig(process.argv[2]);
  const limits: SandboxHostLimits = { addressSpaceBytes: readAddressSpaceLimit(), ...config };
  const pool = new Piscina<SandboxTask, unknown>({
    filename: WORKER_FILE,
    minThreads: config.threads,
    maxThreads: config.threads,
    idleTimeout: Infinity,
    // Messages wake the workers, so their event loops run between tasks (ONNX Runtime's callbacks).
    atomics: 'disabled',
    env: {},
    argv: [],
    resourceLimits: { maxOldGenerationSizeMb: config.workerHeapMb, stackSizeMb: config.workerStackMb },
  });
  // A worker that fails between tasks: Piscina replaces it; without a listener the host would die.
  pool.on('error', (error: unknown) => process.stderr.write(`sandbox worker error: ${describe(error)}\n`));

  const running = new Map<number, AbortController>();
  const reply = (message: HostReply) => send(message, undefined, {}, () => undefined);

  process.on('message', (raw: unknown) => {
    const request = raw as HostRequest;
    if (request.type === 'cancel') {
      running.get(request.id)?.abort();
      return;
    }
    if (request.type !== 'run') return;
    const controller = new AbortController();
    running.set(request.id, controller);
    pool
      .run(request.task, { signal: controller.signal })
      .then(
        (result) => reply({ type: 'result', id: request.id, ok: true, result }),
        (error: unknown) => reply({ type: 'result', id: request.id, ok: false, error: classify(error, limits) }),
      )
      .finally(() => running.delete(request.id));
  });
  process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));

  // Ready once every worker has loaded the sandboxes and answered (Piscina gives concurrent tasks
  // to different workers): a broken build fails the start, not a task, and no task waits for a load.
  const warmUp = Array.from({ length: config.threads }, () =>
    pool.run({ kind: 'probe', probe: 'echo', delayMs: 1 }, { signal: AbortSignal.timeout(60_000) }),
  );
  Promise.all(warmUp).then(
    () => reply({ type: 'ready', pid: process.pid, limits }),
    (error: unknown) => {
      process.stderr.write(`the sandbox worker did not start: ${describe(error)}\n`);
      process.exit(1);
    },
  );
}

function parseConfig(argument: string | undefined): HostConfig {
  const parsed = JSON.parse(argument ?? '{}') as Partial<HostConfig>;
  const whole = (value: unknown, name: string): number => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer`);
    return value;
  };
  return {
    threads: whole(parsed.threads, 'threads'),
    workerHeapMb: whole(parsed.workerHeapMb, 'workerHeapMb'),
    workerStackMb: whole(parsed.workerStackMb, 'workerStackMb'),
  };
}

/**
 * What the supervisor is told about a task that threw. Out-of-memory messages are replaced by a
 * fixed text (the original goes to `detail`, for the operator's log): they can carry native
 * paths and sizes that the learner has no use for.
 */
function classify(error: unknown, limits: SandboxHostLimits): { code: HostErrorCode; message: string; detail?: string } {
  const detail = describe(error);
  const code = (error as { code?: unknown } | null)?.code;
  const name = (error as { name?: unknown } | null)?.name;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return {
      code: 'SANDBOX_LIMIT',
      message: `the task ran out of memory: it reached the JS heap limit of ${limits.workerHeapMb} MiB`,
      detail,
    };
  }
  if (name === 'AbortError') return { code: 'CANCELLED', message: 'the task was cancelled' };
  if (OUT_OF_MEMORY.test(detail)) {
    const cap =
      limits.addressSpaceBytes === null
        ? 'the machine'
        : `the sandbox's address-space cap of ${Math.round(limits.addressSpaceBytes / MIB)} MiB`;
    return { code: 'SANDBOX_LIMIT', message: `the task ran out of memory: an allocation was refused under ${cap}`, detail };
  }
  return { code: 'SANDBOX_FAILED', message: detail };
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text;
}

main();
