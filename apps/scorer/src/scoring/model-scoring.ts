import type { ResultData, ScoringEnd, ScoringInput } from '@app/db';
import { ScoringRejectionCode } from '@app/domain';
import { speedupFlags, speedupPoints, speedupVerdict } from '@app/domain';
import { DEFAULT_SOURCE_ARCHIVE_LIMITS, type SourceArchiveResult } from '../../../../sandboxes/archive/types';
import type { BenchmarkResult } from '../../../../sandboxes/onnx/benchmark';
import { DEFAULT_MODEL_CHECK_RULES, type ModelCheckSummary } from '../../../../sandboxes/onnx/check-model';
import type { MemoryResult } from '../../../../sandboxes/onnx/memory';
import type { ParityResult } from '../../../../sandboxes/onnx/types';
import type { SandboxTaskOf } from '../sandbox/sandbox-outcome';

/** Where and with what a scoring ran; stored with every result. */
export interface ScoringEnvironment {
  scorerId: string;
  host: string;
  scorerVersion: string;
  deviceClass: string;
  executionProvider: string;
  ortVersion: string;
  cpuModel: string;
  gpuModel: string | null;
  /** ONNX Runtime's intra-op threads; null for AI-free results (no model runs). */
  intraOpNumThreads: number | null;
}

/** The parts of a model challenge's spec the scoring reads (libs/catalog's optimize/port spec). */
export interface ModelSpec {
  kind: 'OPTIMIZE_MODEL' | 'PORT_TO_JAX';
  deviceClass: string;
  session: {
    graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all';
    intraOpNumThreads: number;
    executionProviders: ('cpu' | 'cuda')[];
  };
  inputs: { name: string; dtype: 'float32' | 'float64' | 'int64' | 'int32' | 'uint8' | 'int8' | 'bool'; shape: (number | string)[] }[];
  outputs: ModelSpec['inputs'];
  parity:
    { metric: 'tolerance'; rtol: number; atol: number; minElementShare: number } | { metric: 'top1'; output: string; minAgreement: number };
  parityBatches: number;
  maxModelBytes: number;
  allowLoops: boolean;
  targetSpeedup?: number;
}

/** The full spec of a model challenge, from the version's hidden material (libs/catalog's toStoredChallenge). */
export function modelSpecOf(input: ScoringInput): ModelSpec {
  const spec = input.challenge.hidden.spec as ModelSpec | undefined;
  if (!spec || (spec.kind !== 'OPTIMIZE_MODEL' && spec.kind !== 'PORT_TO_JAX')) {
    throw new Error(`challenge ${input.challenge.slug} v${input.challenge.version} has no model spec`);
  }
  return spec;
}

/** What every task comparing the candidate with the reference on hidden inputs needs. */
function pairedModels(spec: ModelSpec, secretSeed: string, scoringNonce: string, reference: Uint8Array, candidate: Uint8Array) {
  return {
    reference,
    candidate,
    inputs: spec.inputs,
    outputs: spec.outputs,
    secretSeed,
    scoringNonce,
    session: spec.session,
    parity: spec.parity,
  };
}

/** The sandbox task that checks parity on hidden inputs drawn from the attempt's seed and this job. */
export function parityTask(
  spec: ModelSpec,
  secretSeed: string,
  scoringNonce: string,
  reference: Uint8Array,
  candidate: Uint8Array,
): SandboxTaskOf<'onnx.parity'> {
  return { kind: 'onnx.parity', ...pairedModels(spec, secretSeed, scoringNonce, reference, candidate), batches: spec.parityBatches };
}

/**
 * Failing parity rejects the submission with the first failure's code and every failure's message
 * (the report stays as evidence). @returns null when parity holds: the scoring goes on.
 */
export function rejectionFromParity(parity: ParityResult, environment: ScoringEnvironment): ScoringEnd | null {
  if (parity.passed) return null;
  const first = parity.failures[0];
  return {
    status: 'REJECTED',
    rejection: {
      code: first?.code ?? ScoringRejectionCode.ParityFailed,
      message: parity.failures.map((failure) => failure.message).join('; ') || 'parity with the reference failed',
    },
    result: result('FAILED', 0, { parity }, [], environment),
  };
}

/** The sandbox's defined outcomes for a task that did not finish: the submission's doing, so REJECTED. */
const SANDBOX_REJECTIONS: Record<string, { code: ScoringRejectionCode; advice: string }> = {
  SANDBOX_TIMEOUT: {
    code: ScoringRejectionCode.SandboxTimeout,
    advice: 'make sure the model runs to completion on the declared input shapes',
  },
  SANDBOX_LIMIT: { code: ScoringRejectionCode.SandboxLimit, advice: 'the model needs less memory than the sandbox allows' },
  SANDBOX_CRASHED: {
    code: ScoringRejectionCode.SandboxCrashed,
    advice: 'the model crashed ONNX Runtime; check it runs in onnxruntime 1.30 on CPU',
  },
};

/** Errors the sandbox reports by message prefix that are the model's doing. */
const MODEL_ERRORS: Record<string, ScoringRejectionCode> = {
  MODEL_UNLOADABLE: ScoringRejectionCode.ModelUnloadable,
  MODEL_RUN_FAILED: ScoringRejectionCode.ModelRunFailed,
};

/**
 * The end of a scoring whose sandbox task did not return a report, or null when the platform is
 * at fault (a host lost to another task's kill, a reference that did not load, a malformed task):
 * then the job is retried and, when retries run out, the submission FAILS without using the quota.
 */
export function endFromSandboxFailure(failure: { code: string; message: string }, environment: ScoringEnvironment): ScoringEnd | null {
  const sandbox = SANDBOX_REJECTIONS[failure.code];
  if (sandbox) {
    return {
      status: 'REJECTED',
      rejection: { code: sandbox.code, message: `${failure.message}; ${sandbox.advice}` },
      result: result('FAILED', 0, { sandbox: { code: failure.code, message: failure.message } }, [], environment),
    };
  }
  if (failure.code === 'SANDBOX_FAILED') {
    const prefix = /^([A-Z_]+):\s*/.exec(failure.message);
    const code = prefix ? MODEL_ERRORS[prefix[1]!] : undefined;
    if (code) {
      const message = failure.message.slice(prefix![0].length);
      return {
        status: 'REJECTED',
        rejection: { code, message },
        result: result('FAILED', 0, { sandbox: { code, message } }, [], environment),
      };
    }
  }
  return null;
}

/** A result to store, with a copy of the environment it was measured in. */
export function result(
  verdict: ResultData['verdict'],
  points: number,
  metrics: Record<string, unknown>,
  flags: string[],
  environment: ScoringEnvironment,
): ResultData {
  return { verdict, points, metrics, flags, environment: { ...environment } };
}

/** What the static checks may allow (DESIGN.md §4); the challenge decides size and loops. */
export function checkTask(spec: ModelSpec, reference: Uint8Array, candidate: Uint8Array): SandboxTaskOf<'onnx.check'> {
  return {
    kind: 'onnx.check',
    candidate,
    reference,
    rules: { ...DEFAULT_MODEL_CHECK_RULES, maxModelBytes: spec.maxModelBytes, allowLoops: spec.allowLoops },
  };
}

/** A model the static checks refused: REJECTED with the check's code and message, before ONNX Runtime saw it. */
export function endFromCheck(check: { code: string; message: string }, environment: ScoringEnvironment): ScoringEnd {
  return {
    status: 'REJECTED',
    rejection: { code: check.code, message: check.message },
    result: result('FAILED', 0, { check }, [], environment),
  };
}

/** The paired benchmark (DESIGN.md §4 "Timing"): alone on the sandbox host, so nothing else competes for the CPU. */
export function benchmarkTask(
  spec: ModelSpec,
  secretSeed: string,
  scoringNonce: string,
  reference: Uint8Array,
  candidate: Uint8Array,
): SandboxTaskOf<'onnx.benchmark'> {
  return { kind: 'onnx.benchmark', ...pairedModels(spec, secretSeed, scoringNonce, reference, candidate) };
}

/** Peak memory of one model, measured in a sandbox host process that loads only that model. */
export function memoryTask(spec: ModelSpec, secretSeed: string, scoringNonce: string, model: Uint8Array): SandboxTaskOf<'onnx.memory'> {
  return { kind: 'onnx.memory', model, inputs: spec.inputs, secretSeed, scoringNonce, session: spec.session, runs: 10 };
}

/** The listing of a JAX port's source archive (files, sizes, hashes, lines): for the mentor's review. */
export type SourceListing = Extract<SourceArchiveResult, { ok: true }>;

/** Lists a PORT_TO_JAX source archive in the sandbox (untrusted bytes; never extracted to disk, never run). */
export function sourceListingTask(archive: Uint8Array): SandboxTaskOf<'archive.list'> {
  return { kind: 'archive.list', archive, limits: DEFAULT_SOURCE_ARCHIVE_LIMITS };
}

export interface Measurements {
  /** PORT_TO_JAX only. */
  source?: SourceListing;
  check: ModelCheckSummary;
  parity: ParityResult;
  timing: BenchmarkResult;
  memory: { baseline: MemoryResult; candidate: MemoryResult };
}

/**
 * The end of a model scoring that ran every stage. A candidate whose outputs changed while it was
 * timed is rejected (its timing measured something else than what parity checked). OPTIMIZE_MODEL:
 * the verdict from the speedup's interval against the target, points only when PASSED
 * (docs/decisions/0003). PORT_TO_JAX: parity is the gate and the speed is a report.
 */
export function endFromMeasurements(spec: ModelSpec, points: number, measured: Measurements, environment: ScoringEnvironment): ScoringEnd {
  const target = spec.targetSpeedup ?? 1.1;
  const metrics = {
    ...measured,
    timing: { ...measured.timing, target },
    // Peak resident memory while running, each model in a process of its own (DESIGN.md §4).
    baselinePeakMemoryBytes: measured.memory.baseline.peakDuringRunsBytes,
    candidatePeakMemoryBytes: measured.memory.candidate.peakDuringRunsBytes,
  };
  if (!measured.timing.recheck.passed) {
    return {
      status: 'REJECTED',
      rejection: {
        code: ScoringRejectionCode.TimingRecheckFailed,
        message: `outputs changed while the model was timed: ${measured.timing.recheck.message ?? 'they no longer match the reference'}`,
      },
      result: result('FAILED', 0, metrics, [], environment),
    };
  }
  if (spec.kind === 'PORT_TO_JAX') return { status: 'SCORED', rejection: null, result: result('PASSED', points, metrics, [], environment) };
  const verdict = speedupVerdict(measured.timing, target);
  return {
    status: 'SCORED',
    rejection: null,
    result: result(verdict, speedupPoints(points, measured.timing, target), metrics, speedupFlags(measured.timing), environment),
  };
}
