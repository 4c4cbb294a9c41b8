/**
 * The sandbox self-test: probes an operator (and the scorer's tests) send through the real sandbox
 * host to check that its isolation holds on this machine. Plain data both ways (structured clone).
 */

export const PROBE_NAMES = ['echo', 'spin', 'allocate-js', 'allocate-native', 'crash'] as const;

/**
 * - `echo`: answers with the payload and what the sandbox sees of its process (environment, working
 *   directory, address-space limit); `delayMs` makes it wait first (to observe scheduling).
 * - `spin`: loops forever on the CPU; only the supervisor's timeout ends it (SANDBOX_TIMEOUT).
 * - `allocate-js`: keeps allocating JS objects; the worker's heap limit ends it (SANDBOX_LIMIT).
 * - `allocate-native`: keeps allocating ArrayBuffers (memory outside the JS heap, which the worker's
 *   heap limit does not see); the host's address-space cap ends it (SANDBOX_LIMIT).
 * - `crash`: sends SIGSEGV to its own process; the host dies (SANDBOX_CRASHED).
 */
export type ProbeName = (typeof PROBE_NAMES)[number];

export interface ProbeTask {
  probe: ProbeName;
  /** Echoed back by `echo`. At most {@link MAX_PROBE_PAYLOAD_CHARS} characters. */
  payload?: string;
  /** `echo` only: wait this long before answering. At most {@link MAX_PROBE_DELAY_MS}. */
  delayMs?: number;
}

export const MAX_PROBE_PAYLOAD_CHARS = 1024 * 1024;
export const MAX_PROBE_DELAY_MS = 60_000;

/** What `echo` reports (the other probes never answer). */
export interface ProbeResult {
  probe: ProbeName;
  echoed?: string;
  /** The sandbox host's process id. */
  pid: number;
  /** The worker thread that ran the probe (0 = the host's main thread, e.g. in a unit test). */
  threadId: number;
  /** Keys of `process.env` as the worker sees it: 0 in a correctly started sandbox host. */
  envKeyCount: number;
  /**
   * Names (never values) in `/proc/self/environ`, the environment the process was started with;
   * null off Linux. A sandbox host shows only Node's own IPC variables here (NODE_CHANNEL_FD,
   * NODE_CHANNEL_SERIALIZATION_MODE), which Node removes from `process.env` at startup.
   */
  processEnvironNames: string[] | null;
  /** The process's working directory, and how many entries it holds (0: a fresh empty directory). */
  cwd: string;
  cwdEntries: number;
  /** Soft `RLIMIT_AS` from `/proc/self/limits`, in bytes; null when unlimited or unreadable. */
  addressSpaceLimitBytes: number | null;
  /** Wall-clock time (epoch ms) when the probe started and when it answered. */
  startedAt: number;
  endedAt: number;
}
