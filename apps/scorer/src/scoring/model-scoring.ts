import type { ResultData, ScoringEnd, ScoringInput } from '@app/db';
import { ScoringRejectionCode } from '@app/domain';
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
}

/** The parts of a model challenge's spec the scoring reads (libs/catalog's optimize/port spec). */
interface ModelSpec {
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

/** The sandbox task that checks parity on hidden inputs drawn from the attempt's seed and this job. */
export function parityTask(
  spec: ModelSpec,
  secretSeed: string,
  scoringNonce: string,
  reference: Uint8Array,
  candidate: Uint8Array,
): SandboxTaskOf<'onnx.parity'> {
  return {
    kind: 'onnx.parity',
    reference,
    candidate,
    inputs: spec.inputs,
    outputs: spec.outputs,
    secretSeed,
    scoringNonce,
    batches: spec.parityBatches,
    parity: spec.parity,
    session: spec.session,
  };
}

/**
 * Turns a parity report into the scoring's end. Failing parity rejects the submission with the
 * first failure's code and every failure's message (the report stays as evidence). Passing it:
 * a PORT_TO_JAX port has proved parity (its mentor review comes after); an OPTIMIZE_MODEL
 * submission has its speed measured by the timing stage, and until that stage has run the result
 * says so (INCONCLUSIVE, flag SPEEDUP_NOT_MEASURED) rather than pretend.
 */
export function endFromParity(spec: ModelSpec, points: number, parity: ParityResult, environment: ScoringEnvironment): ScoringEnd {
  const metrics = { parity };
  if (!parity.passed) {
    const first = parity.failures[0];
    return {
      status: 'REJECTED',
      rejection: {
        code: first?.code ?? ScoringRejectionCode.ParityFailed,
        message: parity.failures.map((failure) => failure.message).join('; ') || 'parity with the reference failed',
      },
      result: result('FAILED', 0, metrics, [], environment),
    };
  }
  if (spec.kind === 'PORT_TO_JAX') return { status: 'SCORED', rejection: null, result: result('PASSED', points, metrics, [], environment) };
  return { status: 'SCORED', rejection: null, result: result('INCONCLUSIVE', 0, metrics, ['SPEEDUP_NOT_MEASURED'], environment) };
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

function result(
  verdict: ResultData['verdict'],
  points: number,
  metrics: Record<string, unknown>,
  flags: string[],
  environment: ScoringEnvironment,
): ResultData {
  return { verdict, points, metrics, flags, environment: { ...environment } };
}
