import { readFileSync, writeFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { concreteInputs, fail, hiddenFeeds, runtimeMessage, sessionOptions, type Feeds } from './evaluate-parity';
import { BENCHMARK_INPUT_POOL } from './benchmark';
import type { ParitySessionOptions, TensorSpec } from './types';

/**
 * Peak memory of one model (DESIGN.md §4 "Timing", §8): resident memory of this process before the
 * model is loaded, after it is loaded, and at its peak while it runs on hidden inputs. Linux only:
 * VmRSS and VmHWM from /proc/self/status, with VmHWM reset after the load by writing "5" to
 * /proc/self/clear_refs.
 *
 * The numbers are the whole process's, so they only mean something in a process that loaded only
 * this model and runs nothing else: the scorer runs this task in a fresh one-off sandbox host
 * (`SandboxHost.runIsolated`). Errors: `INVALID_TASK`, `MODEL_UNLOADABLE`, `MODEL_RUN_FAILED`
 * (prefixed like the parity's), and `MEMORY_UNAVAILABLE` where /proc/self/status cannot be read.
 */

export interface MemoryTask {
  model: Uint8Array;
  inputs: readonly TensorSpec[];
  secretSeed: string;
  scoringNonce: string;
  /** The challenge's fixed session options. */
  session: ParitySessionOptions;
  /** Runs after the load (rotating over the benchmark's pool of hidden batches); ≥ 1. */
  runs: number;
}

/**
 * - `clear_refs`: VmHWM was reset after the load, so `peakDuringRunsBytes` is the peak of the runs.
 * - `vmhwm-since-start`: the kernel refused the reset; `peakDuringRunsBytes` is the process's peak
 *   since it started (the load's peak included), and `peakAboveLoadBytes` an upper bound.
 */
export type MemoryMethod = 'clear_refs' | 'vmhwm-since-start';

export interface MemoryResult {
  /** Size of the model file. */
  fileBytes: number;
  /** VmRSS before the model was loaded. */
  baselineBytes: number;
  /** VmRSS once the session was created and the hidden inputs drawn (a pool of at most 8 batches). */
  rssAfterLoadBytes: number;
  /** VmHWM after the runs: the process's peak resident memory (see `method`). */
  peakDuringRunsBytes: number;
  /** peakDuringRunsBytes − rssAfterLoadBytes (never below 0): what running added over the loaded model. */
  peakAboveLoadBytes: number;
  method: MemoryMethod;
}

const STATUS_FILE = '/proc/self/status';
const CLEAR_REFS_FILE = '/proc/self/clear_refs';
/** "5" resets the peak resident set size (VmHWM) to the current one (Documentation/filesystems/proc.rst). */
const RESET_PEAK_RSS = '5';

/** VmRSS and VmHWM of this process, in bytes. */
export function readResidentMemory(status: string = readStatus()): { rssBytes: number; peakBytes: number } {
  const kib = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(status);
    if (!match) throw new Error(`MEMORY_UNAVAILABLE: ${STATUS_FILE} has no ${field} line`);
    return Number(match[1]) * 1024;
  };
  return { rssBytes: kib('VmRSS'), peakBytes: kib('VmHWM') };
}

function readStatus(): string {
  try {
    return readFileSync(STATUS_FILE, 'utf8');
  } catch (error) {
    throw new Error(`MEMORY_UNAVAILABLE: ${STATUS_FILE} cannot be read (memory is measured on Linux only): ${runtimeMessage(error)}`, {
      cause: error,
    });
  }
}

/** Resets VmHWM to the current VmRSS; false when the kernel refuses (e.g. a read-only /proc). */
export function resetPeakResidentMemory(): boolean {
  try {
    writeFileSync(CLEAR_REFS_FILE, RESET_PEAK_RSS);
    return true;
  } catch {
    return false;
  }
}

function validate(task: MemoryTask): void {
  const problems: string[] = [];
  if (!(task.model instanceof Uint8Array)) problems.push('model must be a Uint8Array');
  if (!task.secretSeed || !task.scoringNonce) problems.push('secretSeed and scoringNonce must be non-empty');
  if (task.inputs.length === 0) problems.push('at least one input must be declared');
  if (!Number.isSafeInteger(task.runs) || task.runs < 1 || task.runs > 100_000)
    problems.push(`runs must be an integer in [1, 100000], got ${task.runs}`);
  if (!Number.isSafeInteger(task.session.intraOpNumThreads) || task.session.intraOpNumThreads < 1)
    problems.push('session.intraOpNumThreads must be a positive integer');
  if (task.session.executionProviders.length === 0) problems.push('session.executionProviders must name at least one provider');
  if (problems.length > 0) fail('INVALID_TASK', problems.join('; '));
}

/** Loads one model, runs it `task.runs` times on hidden inputs, and reports resident memory before, after the load and at the peak. */
export async function measureModelMemory(task: MemoryTask): Promise<MemoryResult> {
  validate(task);
  const options = sessionOptions(task.session);
  const baselineBytes = readResidentMemory().rssBytes;
  let session: ort.InferenceSession | undefined;
  try {
    try {
      session = await ort.InferenceSession.create(task.model, options);
    } catch (error) {
      fail('MODEL_UNLOADABLE', runtimeMessage(error));
    }
    const inputs = concreteInputs(task.inputs, session);
    const pool: Feeds[] = Array.from({ length: Math.min(task.runs, BENCHMARK_INPUT_POOL) }, (_, batch) =>
      hiddenFeeds(inputs, task.secretSeed, task.scoringNonce, batch),
    );
    const rssAfterLoadBytes = readResidentMemory().rssBytes;
    const method: MemoryMethod = resetPeakResidentMemory() ? 'clear_refs' : 'vmhwm-since-start';
    for (let run = 0; run < task.runs; run++) {
      try {
        await session.run(pool[run % pool.length]);
      } catch (error) {
        fail('MODEL_RUN_FAILED', `the model failed on run ${run} (hidden batch ${run % pool.length}): ${runtimeMessage(error)}`);
      }
    }
    const peakDuringRunsBytes = readResidentMemory().peakBytes;
    return {
      fileBytes: task.model.byteLength,
      baselineBytes,
      rssAfterLoadBytes,
      peakDuringRunsBytes,
      peakAboveLoadBytes: Math.max(0, peakDuringRunsBytes - rssAfterLoadBytes),
      method,
    };
  } finally {
    await session?.release();
  }
}
