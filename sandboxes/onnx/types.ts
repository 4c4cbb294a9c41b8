/**
 * The contract of the ONNX parity sandbox: a task in, a plain result out. Both survive a structured
 * clone (Uint8Array, numbers, strings, arrays, plain objects), so they can cross the scorer → sandbox
 * host IPC and the host → Piscina worker boundary.
 *
 * The types are declared here rather than imported from `@app/catalog` so that the sandbox stays
 * self-contained; they are structurally the catalog's parsed `TensorSpec`, `parity` and `session`
 * (the scorer passes a challenge spec's values straight in, which keeps the two in step at compile
 * time: see the pruned-mlp case in evaluate-parity.spec.ts).
 */

export type TensorDtype = 'float32' | 'float64' | 'int64' | 'int32' | 'uint8' | 'int8' | 'bool';

/** A fixed size, or a symbolic dimension name such as "batch". */
export type Dimension = number | string;

export interface TensorSpec {
  name: string;
  dtype: TensorDtype;
  shape: readonly Dimension[];
}

/** DESIGN.md §4's default rule: relative L2 error and an elementwise tolerance, per output. */
export interface ToleranceParity {
  metric: 'tolerance';
  rtol: number;
  atol: number;
  /** Share of elements (0–1) that must satisfy |out − ref| ≤ atol + rtol·|ref|. */
  minElementShare: number;
}

/** Classification challenges: the arg-max over the last axis of `output` must agree. */
export interface Top1Parity {
  metric: 'top1';
  output: string;
  /** Share of rows (0–1) whose arg-max must agree with the reference's. */
  minAgreement: number;
}

export type ParityRule = ToleranceParity | Top1Parity;

/** The same for both models (the challenge fixes them). */
export interface ParitySessionOptions {
  graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all';
  intraOpNumThreads: number;
  executionProviders: readonly ('cpu' | 'cuda')[];
}

export interface ParityTask {
  /** The challenge's reference model (trusted). */
  reference: Uint8Array;
  /** The learner's model; it must have passed the model checks (no external data, …) already. */
  candidate: Uint8Array;
  inputs: readonly TensorSpec[];
  outputs: readonly TensorSpec[];
  /** The attempt's secret seed; never leaves the scorer. */
  secretSeed: string;
  /** Differs per scoring (the scorer passes the job id): hidden inputs are fresh each time. */
  scoringNonce: string;
  /** Hidden-input batches; at least 16 (MIN_PARITY_BATCHES, DESIGN.md §4). */
  batches: number;
  parity: ParityRule;
  session: ParitySessionOptions;
}

/** Each code is one reason an output fails; an output gets at most one (the most specific). */
export type ParityFailureCode =
  /** The output's values are outside the rule (relative L2, elementwise share, or top-1 agreement). */
  | 'PARITY_FAILED'
  /** The candidate produced NaN or ±Inf where the reference is finite. */
  | 'OUTPUT_NON_FINITE'
  /** The candidate's output holds one value everywhere (e.g. all zeros) while the reference's varies. */
  | 'OUTPUT_CONSTANT'
  /** Shape or element type differs from the reference's output. */
  | 'OUTPUT_SHAPE_MISMATCH'
  /** The candidate has no output of that name. */
  | 'OUTPUT_MISSING';

export interface ParityFailure {
  code: ParityFailureCode;
  output: string;
  /** For the learner: what was wrong and where (never input values). */
  message: string;
}

export interface OutputParity {
  name: string;
  /**
   * How this output was judged: `tolerance` or `top1` by the task's rule; `structure` for the
   * other outputs of a top-1 task (present, same shape and dtype, finite; values only reported).
   */
  judgedBy: 'tolerance' | 'top1' | 'structure';
  /** Elements compared over all batches (reference elements that are NaN/±Inf are left out). */
  elements: number;
  /**
   * ‖out − ref‖₂ / ‖ref‖₂ over all batches (finite candidate elements). null when nothing was
   * compared or ‖ref‖₂ = 0 (then the L2 condition is RMS(out − ref) ≤ atol).
   */
  relativeL2: number | null;
  /** Largest finite |out − ref|; 0 when nothing was compared. */
  worstAbsError: number;
  /** Multi-dimensional index (0-based) of that element; [] when nothing was compared. */
  worstIndex: number[];
  /** 0-based batch of that element; null when nothing was compared. */
  worstBatch: number | null;
  /** Share of elements within atol + rtol·|ref|; null under the top-1 rule (it has no tolerance). */
  withinTolerance: number | null;
  /** Candidate elements that are NaN or ±Inf (where the reference is finite). */
  nonFinite: number;
  /** The candidate's output held one value over every element of every batch while the reference's varied. */
  constant: boolean;
  /** Share of rows whose arg-max agrees; only on the output named by a top-1 rule. */
  top1Agreement?: number;
  passed: boolean;
  /** The failure message, when this output failed. */
  reason?: string;
}

export interface ParityResult {
  passed: boolean;
  batches: number;
  /** One entry per declared output, in the task's order. */
  outputs: OutputParity[];
  failures: ParityFailure[];
  /** Wall time of the reference's runs, summed over batches (milliseconds; informative, not a benchmark). */
  referenceMs: number;
  candidateMs: number;
}

/**
 * Errors are thrown, not returned, when there is no parity to report. Their message starts with
 * the code and a colon (an Error's class does not survive the structured clone; its message does):
 * - `INVALID_TASK`: the task itself is malformed (a platform bug).
 * - `REFERENCE_FAILED`: the reference did not load or run with these options (a platform fault, e.g. `cuda` missing).
 * - `MODEL_UNLOADABLE`: ONNX Runtime refused to create a session for the candidate.
 * - `MODEL_RUN_FAILED`: the candidate loaded but failed to run on a hidden batch.
 */
export type ParityErrorCode = 'INVALID_TASK' | 'REFERENCE_FAILED' | 'MODEL_UNLOADABLE' | 'MODEL_RUN_FAILED';
