import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { threadId } from 'node:worker_threads';
import { MAX_PROBE_DELAY_MS, MAX_PROBE_PAYLOAD_CHARS, PROBE_NAMES } from './types';
import type { ProbeResult, ProbeTask } from './types';

const MIB = 1024 * 1024;
/** Large enough that each allocation is its own mmap, small enough to land close to the cap. */
const NATIVE_CHUNK_BYTES = 64 * MIB;
const JS_CHUNK_OBJECTS = 100_000;
/** How long `crash` waits for the signal to end the process before reporting that it did not. */
const CRASH_GRACE_MS = 5_000;

/**
 * Runs one probe of the sandbox self-test (see types.ts). Only `echo` answers; `spin` never returns,
 * `allocate-*` throw once memory runs out (or the worker is stopped), `crash` ends the process.
 */
export async function runProbe(task: ProbeTask): Promise<ProbeResult> {
  assertValidProbe(task);
  switch (task.probe) {
    case 'echo':
      return echo(task);
    case 'spin':
      return spin();
    case 'allocate-js':
      return allocateJs();
    case 'allocate-native':
      return allocateNative();
    case 'crash':
      return crash();
    default:
      return assertUnreachable(task.probe);
  }
}

function assertValidProbe(task: ProbeTask): void {
  if (!(PROBE_NAMES as readonly string[]).includes(task.probe)) {
    throw new RangeError(`probe must be one of ${PROBE_NAMES.join(', ')}, got ${JSON.stringify(task.probe)}`);
  }
  if (task.payload !== undefined && (typeof task.payload !== 'string' || task.payload.length > MAX_PROBE_PAYLOAD_CHARS)) {
    throw new RangeError(`payload must be a string of at most ${MAX_PROBE_PAYLOAD_CHARS} characters`);
  }
  if (task.delayMs !== undefined && (!Number.isSafeInteger(task.delayMs) || task.delayMs < 0 || task.delayMs > MAX_PROBE_DELAY_MS)) {
    throw new RangeError(`delayMs must be an integer from 0 to ${MAX_PROBE_DELAY_MS}, got ${String(task.delayMs)}`);
  }
}

async function echo(task: ProbeTask): Promise<ProbeResult> {
  const startedAt = Date.now();
  if (task.delayMs !== undefined && task.delayMs > 0) await sleep(task.delayMs);
  const cwd = process.cwd();
  return {
    probe: 'echo',
    ...(task.payload === undefined ? {} : { echoed: task.payload }),
    pid: process.pid,
    threadId,
    // Counting the variables is the point of the self-test; none of them is read.
    // eslint-disable-next-line no-restricted-syntax
    envKeyCount: Object.keys(process.env).length,
    processEnvironNames: readProcessEnvironNames(),
    cwd,
    cwdEntries: readdirSync(cwd).length,
    addressSpaceLimitBytes: readAddressSpaceLimit(),
    startedAt,
    endedAt: Date.now(),
  };
}

function spin(): never {
  // A plain loop that never yields: only killing the worker or the process stops it.
  let counter = 0;
  for (;;) counter = (counter + 1) | 0;
}

function allocateJs(): never {
  const kept: Array<Array<{ index: number; label: string }>> = [];
  for (;;) {
    const chunk = new Array<{ index: number; label: string }>(JS_CHUNK_OBJECTS);
    for (let index = 0; index < JS_CHUNK_OBJECTS; index++) chunk[index] = { index, label: `object ${index}` };
    kept.push(chunk);
  }
}

function allocateNative(): never {
  // Untouched ArrayBuffers are reserved, not resident: this finds the address-space cap without
  // filling the machine's RAM when a host runs without one.
  const kept: ArrayBuffer[] = [];
  try {
    for (;;) kept.push(new ArrayBuffer(NATIVE_CHUNK_BYTES));
  } catch (error) {
    const allocatedMib = (kept.length * NATIVE_CHUNK_BYTES) / MIB;
    kept.length = 0;
    throw new RangeError(`Array buffer allocation failed after ${allocatedMib} MiB (${String(error)})`, { cause: error });
  }
}

async function crash(): Promise<never> {
  // A real segmentation-fault signal: from a worker thread it still ends the whole host process.
  process.kill(process.pid, 'SIGSEGV');
  await sleep(CRASH_GRACE_MS);
  throw new Error(`process ${process.pid} survived SIGSEGV for ${CRASH_GRACE_MS} ms`);
}

/** The soft RLIMIT_AS, or null when it is unlimited or /proc is not there. */
export function readAddressSpaceLimit(): number | null {
  let limits: string;
  try {
    limits = readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return null;
  }
  const line = limits.split('\n').find((entry) => entry.startsWith('Max address space'));
  const soft = line?.slice('Max address space'.length).trim().split(/\s+/)[0];
  return soft === undefined || soft === 'unlimited' || !/^\d+$/.test(soft) ? null : Number(soft);
}

function readProcessEnvironNames(): string[] | null {
  try {
    const entries = readFileSync('/proc/self/environ', 'latin1').split('\0');
    return entries.filter((entry) => entry.length > 0).map((entry) => entry.split('=', 1)[0]!);
  } catch {
    return null;
  }
}

function assertUnreachable(value: never): never {
  throw new Error(`unhandled probe ${String(value)}`);
}
