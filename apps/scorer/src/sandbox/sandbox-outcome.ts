import type { SandboxResultOf, SandboxTask, SandboxTaskKind } from '../../../../sandboxes/task';

/**
 * Why a sandbox task did not return a result. The first three are the task's own doing (the
 * scorer rejects the submission); the last two are not:
 * - `SANDBOX_TIMEOUT`: it ran past its timeout; the host was killed and replaced.
 * - `SANDBOX_LIMIT`: it ran out of memory: the worker's JS heap limit, an allocation refused under
 *   the host's address-space cap, or a host that died of it.
 * - `SANDBOX_CRASHED`: the host died while running it alone (a segfault, an abort).
 * - `SANDBOX_FAILED`: the task threw an ordinary error; `message` is its message.
 * - `HOST_LOST`: the task was collateral of another task's kill, or of `stop()`, or the host could
 *   not start: a platform failure, worth retrying.
 */
export const SANDBOX_FAILURE_CODES = ['SANDBOX_TIMEOUT', 'SANDBOX_CRASHED', 'SANDBOX_LIMIT', 'SANDBOX_FAILED', 'HOST_LOST'] as const;
export type SandboxFailureCode = (typeof SANDBOX_FAILURE_CODES)[number];

/** The task of one kind, e.g. `SandboxTaskOf<'onnx.parity'>` (what `run` needs to type its result). */
export type SandboxTaskOf<K extends SandboxTaskKind> = Extract<SandboxTask, { kind: K }>;

export type SandboxOutcome<K extends SandboxTaskKind = SandboxTaskKind> =
  { ok: true; result: SandboxResultOf<K> } | { ok: false; code: SandboxFailureCode; message: string };

/** The limits a host process was started with, as it reports them once it is ready. */
export interface SandboxHostLimits {
  /** Soft RLIMIT_AS the host read from /proc/self/limits; null when unlimited. */
  addressSpaceBytes: number | null;
  threads: number;
  workerHeapMb: number;
  workerStackMb: number;
}

/** How the supervisor configures a host process (passed as JSON in argv[2]). */
export interface HostConfig {
  threads: number;
  workerHeapMb: number;
  workerStackMb: number;
}

/** Supervisor → host, over the IPC channel (advanced serialization: typed arrays cross as such). */
export type HostRequest = { type: 'run'; id: number; task: SandboxTask } | { type: 'cancel'; id: number };

/** Why the host could not return a result, as it tells the supervisor. */
export type HostErrorCode = 'SANDBOX_LIMIT' | 'SANDBOX_FAILED' | 'CANCELLED';

/** Host → supervisor. `detail` is the original error text, for the operator's log only. */
export type HostReply =
  | { type: 'ready'; pid: number; limits: SandboxHostLimits }
  | { type: 'result'; id: number; ok: true; result: unknown }
  | { type: 'result'; id: number; ok: false; error: { code: HostErrorCode; message: string; detail?: string } };
