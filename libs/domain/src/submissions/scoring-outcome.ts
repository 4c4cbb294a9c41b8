/**
 * Why a scoring ended without a normal result, stored on the submission (`rejectionCode`) with a
 * message that says what to change. REJECTED codes are the submission's own doing and use the
 * daily quota; FAILED codes are the platform's and do not (DESIGN.md §4).
 */
export enum ScoringRejectionCode {
  /** An output differs from the reference beyond the challenge's tolerance on hidden inputs. */
  ParityFailed = 'PARITY_FAILED',
  /** An output holds NaN or ±Inf. */
  OutputNonFinite = 'OUTPUT_NON_FINITE',
  /** An output is constant (e.g. all zeros) where the reference's varies. */
  OutputConstant = 'OUTPUT_CONSTANT',
  /** An output's shape or dtype differs from the reference's. */
  OutputShapeMismatch = 'OUTPUT_SHAPE_MISMATCH',
  /** An output of the reference is missing from the submission. */
  OutputMissing = 'OUTPUT_MISSING',
  /** ONNX Runtime refused to load the model. */
  ModelUnloadable = 'MODEL_UNLOADABLE',
  /** The model loaded but failed while running on the hidden inputs. */
  ModelRunFailed = 'MODEL_RUN_FAILED',
  /** The model's outputs changed while it was timed (they must match the reference in timed runs too). */
  TimingRecheckFailed = 'TIMING_RECHECK_FAILED',
  /** The task ran past its time limit; the sandbox host was killed. */
  SandboxTimeout = 'SANDBOX_TIMEOUT',
  /** The task took the sandbox host down (e.g. a segmentation fault). */
  SandboxCrashed = 'SANDBOX_CRASHED',
  /** The task ran out of the sandbox's memory. */
  SandboxLimit = 'SANDBOX_LIMIT',
  /** AI_FREE_SESSION: the code does not parse (or, TypeScript, does not transpile); the message says where. */
  CompileError = 'COMPILE_ERROR',
}

export enum ScoringFailureCode {
  /** The platform could not score it (retries exhausted); it does not use the quota. Rescore it. */
  PlatformFailed = 'PLATFORM_FAILED',
}

export type SubmissionStatusName = 'QUEUED' | 'RUNNING' | 'SCORED' | 'REJECTED' | 'FAILED';

export const TERMINAL_STATUSES: readonly SubmissionStatusName[] = ['SCORED', 'REJECTED', 'FAILED'];

export function isTerminal(status: SubmissionStatusName): boolean {
  return TERMINAL_STATUSES.includes(status);
}
