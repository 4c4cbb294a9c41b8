import * as ort from 'onnxruntime-node';
import { hiddenBatch, resolveInputShape, type ConcreteInput, type HiddenTensor } from './hidden-inputs';
import type {
  OutputParity,
  ParityErrorCode,
  ParityFailure,
  ParityFailureCode,
  ParityResult,
  ParitySessionOptions,
  ParityTask,
  TensorSpec,
} from './types';

/**
 * Parity of a candidate ONNX model with the challenge's reference on hidden inputs (DESIGN.md §4),
 * as a pure function over bytes: no environment, no network, nothing from apps/ or libs/. Both
 * models run in onnxruntime-node with the task's session options, batch by batch; outputs are
 * compared as they arrive (nothing is kept beyond running sums), so memory stays at one batch.
 */

/** DESIGN.md §4: at least this many hidden batches per scoring. */
export const MIN_PARITY_BATCHES = 16;
/** ONNX Runtime's own messages are passed on, cut to this length. */
export const MAX_RUNTIME_MESSAGE_CHARS = 500;

const PARITY_ERROR_CODES: readonly ParityErrorCode[] = ['INVALID_TASK', 'REFERENCE_FAILED', 'MODEL_UNLOADABLE', 'MODEL_RUN_FAILED'];

/** The code at the start of an error thrown by {@link evaluateParity} (after a structured clone too), or undefined. */
export function parityErrorCode(error: unknown): ParityErrorCode | undefined {
  const message = messageOf(error);
  const code = /^([A-Z_]+):/.exec(message)?.[1];
  return PARITY_ERROR_CODES.find((known) => known === code);
}

/**
 * The message of an error from any realm: errors made by ONNX Runtime's native code, or passed
 * through a structured clone, are not instances of this realm's Error.
 */
function messageOf(error: unknown): string {
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') return error.message;
  return String(error);
}

/** Throws the sandbox's error: its message starts with the code (it survives a structured clone). */
export function fail(code: ParityErrorCode, message: string): never {
  throw new Error(`${code}: ${message}`);
}

/**
 * ONNX Runtime's message, on one line, without terminal colours or the build machine's source
 * paths (kept to the file name), cut to {@link MAX_RUNTIME_MESSAGE_CHARS}.
 */
export function runtimeMessage(error: unknown): string {
  const cleaned = messageOf(error)
    .replace(/\u001b\[[0-9;]*m/g, '') // eslint-disable-line no-control-regex -- ANSI colour codes
    .replace(/(?:\/[\w.+-]+){2,}/g, (path) => path.slice(path.lastIndexOf('/') + 1))
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned.length <= MAX_RUNTIME_MESSAGE_CHARS ? cleaned : `${cleaned.slice(0, MAX_RUNTIME_MESSAGE_CHARS - 1)}…`;
}

function validateTask(task: ParityTask): void {
  const problems = modelPairProblems(task);
  if (!Number.isSafeInteger(task.batches) || task.batches < MIN_PARITY_BATCHES)
    problems.push(`batches must be an integer ≥ ${MIN_PARITY_BATCHES}, got ${task.batches}`);
  if (problems.length > 0) fail('INVALID_TASK', problems.join('; '));
}

/** The fields of a parity or benchmark task that compare two models: what is wrong with them, if anything. */
export type ModelPairTask = Omit<ParityTask, 'batches'>;

/** What is wrong with the fields both the parity and the benchmark take (empty when nothing). */
export function modelPairProblems(task: ModelPairTask): string[] {
  const problems: string[] = [];
  if (!(task.reference instanceof Uint8Array) || !(task.candidate instanceof Uint8Array)) problems.push('models must be Uint8Array');
  if (!task.secretSeed || !task.scoringNonce) problems.push('secretSeed and scoringNonce must be non-empty');
  if (task.inputs.length === 0 || task.outputs.length === 0) problems.push('at least one input and one output must be declared');
  for (const [kind, specs] of [
    ['input', task.inputs],
    ['output', task.outputs],
  ] as const) {
    const names = specs.map((spec) => spec.name);
    const repeated = names.filter((name, i) => names.indexOf(name) !== i);
    if (repeated.length > 0) problems.push(`${kind} names repeat: ${[...new Set(repeated)].join(', ')}`);
  }
  for (const input of task.inputs) {
    if (input.shape.some((d) => typeof d === 'number' && (!Number.isSafeInteger(d) || d < 0)))
      problems.push(`input ${input.name}: sizes must be non-negative integers`);
  }
  const { parity, session } = task;
  if (parity.metric === 'tolerance') {
    if (!(parity.rtol >= 0) || !(parity.atol >= 0)) problems.push('rtol and atol must be ≥ 0');
    if (!(parity.minElementShare >= 0 && parity.minElementShare <= 1)) problems.push('minElementShare must be in [0, 1]');
  } else {
    if (!task.outputs.some((o) => o.name === parity.output)) problems.push(`top1 output ${parity.output} is not a declared output`);
    if (!(parity.minAgreement >= 0 && parity.minAgreement <= 1)) problems.push('minAgreement must be in [0, 1]');
  }
  if (!Number.isSafeInteger(session.intraOpNumThreads) || session.intraOpNumThreads < 1)
    problems.push('session.intraOpNumThreads must be a positive integer');
  if (session.executionProviders.length === 0) problems.push('session.executionProviders must name at least one provider');
  return problems;
}

/** The challenge's session options as ONNX Runtime takes them (the same for every model of a task). */
export function sessionOptions(session: ParitySessionOptions): ort.InferenceSession.SessionOptions {
  return {
    graphOptimizationLevel: session.graphOptimizationLevel,
    intraOpNumThreads: session.intraOpNumThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    executionProviders: [...session.executionProviders],
    // Warnings (unused initializers, …) would only clutter the sandbox host's stderr.
    logSeverityLevel: 3,
  };
}

export type Feeds = Record<string, ort.Tensor>;

function toTensor(hidden: HiddenTensor): ort.Tensor {
  // bool travels as 0/1 bytes, which is what ONNX Runtime's bool tensors hold.
  return new ort.Tensor(hidden.dtype, hidden.data, hidden.dims);
}

type ElementReader = (index: number) => number;

/** Element types compared as numbers (float16 is left out: its data holds raw bits). */
const NUMERIC_TYPES = new Set(['float32', 'float64', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'bool']);

function readerOf(tensor: ort.Tensor): ElementReader | undefined {
  if (!NUMERIC_TYPES.has(tensor.type)) return undefined;
  const data: unknown = tensor.data;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return (i) => Number(data[i]);
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
    const numbers = data as unknown as ArrayLike<number>;
    return (i) => numbers[i];
  }
  return undefined;
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, axis) => size === b[axis]);
}

function unravel(flat: number, dims: readonly number[]): number[] {
  const index = new Array<number>(dims.length).fill(0);
  let rest = flat;
  for (let axis = dims.length - 1; axis >= 0; axis--) {
    const size = dims[axis];
    index[axis] = size > 0 ? rest % size : 0;
    rest = size > 0 ? Math.floor(rest / size) : 0;
  }
  return index;
}

/** Numbers as a learner reads them, to `digits` significant digits: 0.41, 3.1e-2, 1e-3. */
export function formatNumber(value: number, digits = 2): string {
  if (value === 0 || !Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 0.1 && magnitude < 1e4) return String(Number(value.toPrecision(digits)));
  return value
    .toExponential(digits - 1)
    .replace(/\.?0+e/, 'e')
    .replace('e+', 'e');
}

/** `value` with as many digits as it takes not to read like `limit` ("1.0004e-3 > rtol 1e-3", never "1e-3 > rtol 1e-3"). */
function formatBeside(value: number, limit: number): string {
  for (let digits = 2; digits <= 8; digits++) {
    const text = formatNumber(value, digits);
    if (text !== formatNumber(limit)) return text;
  }
  return String(value);
}

/** A share as a percentage that never rounds up to the threshold it missed (99.96 % → "99.95%"). */
function formatShare(share: number): string {
  return `${Math.floor(share * 10_000) / 100}%`;
}

function formatIndex(index: readonly number[]): string {
  return `[${index.join(', ')}]`;
}

interface Location {
  batch: number;
  index: number[];
}

/** Running statistics of one declared output over all batches. */
class OutputTally {
  elements = 0;
  within = 0;
  nonFinite = 0;
  firstNonFinite: Location | undefined;
  private sumSquaredDiff = 0;
  private sumSquaredReference = 0;
  worstAbsError = -1;
  worst: Location | undefined;
  private candidateValue: number | undefined;
  private candidateVaries = false;
  private referenceValue: number | undefined;
  private referenceVaries = false;
  rows = 0;
  agreeingRows = 0;
  firstDisagreement: Location | undefined;
  /** Set once: the output is not compared any further. */
  structural: { code: 'OUTPUT_MISSING' | 'OUTPUT_SHAPE_MISMATCH'; message: string } | undefined;

  constructor(
    readonly spec: TensorSpec,
    readonly judgedBy: OutputParity['judgedBy'],
    private readonly rtol: number,
    private readonly atol: number,
  ) {}

  /** Elementwise statistics of one batch; `dims` are the (equal) shapes of both tensors. */
  compare(reference: ElementReader, candidate: ElementReader, count: number, dims: readonly number[], batch: number): void {
    for (let i = 0; i < count; i++) {
      const ref = reference(i);
      // A reference that is not finite there leaves nothing to compare against.
      if (!Number.isFinite(ref)) continue;
      this.elements++;
      if (this.referenceValue === undefined) this.referenceValue = ref;
      else if (ref !== this.referenceValue) this.referenceVaries = true;
      const out = candidate(i);
      if (!Number.isFinite(out)) {
        this.nonFinite++;
        this.firstNonFinite ??= { batch, index: unravel(i, dims) };
        continue;
      }
      if (this.candidateValue === undefined) this.candidateValue = out;
      else if (out !== this.candidateValue) this.candidateVaries = true;
      const diff = Math.abs(out - ref);
      this.sumSquaredDiff += diff * diff;
      this.sumSquaredReference += ref * ref;
      if (diff <= this.atol + this.rtol * Math.abs(ref)) this.within++;
      if (diff > this.worstAbsError) {
        this.worstAbsError = diff;
        this.worst = { batch, index: unravel(i, dims) };
      }
    }
  }

  /** Arg-max agreement over the last axis (first maximum wins ties; a row with NaN in the candidate disagrees). */
  compareTop1(reference: ElementReader, candidate: ElementReader, count: number, dims: readonly number[], batch: number): void {
    const classes = dims[dims.length - 1];
    if (classes === 0) return;
    for (let row = 0; row * classes < count; row++) {
      const start = row * classes;
      const expected = argmax(reference, start, classes);
      const got = argmax(candidate, start, classes);
      this.rows++;
      if (got !== undefined && got === expected) this.agreeingRows++;
      else this.firstDisagreement ??= { batch, index: unravel(start, dims).slice(0, -1) };
    }
  }

  /** Relative L2 error, or null when ‖ref‖ = 0 (or nothing was compared). */
  get relativeL2(): number | null {
    if (this.sumSquaredReference > 0) return Math.sqrt(this.sumSquaredDiff / this.sumSquaredReference);
    return this.elements > 0 && this.sumSquaredDiff === 0 ? 0 : null;
  }

  /** Root mean square of out − ref over the finite candidate elements. */
  private get rms(): number {
    const compared = this.elements - this.nonFinite;
    return compared === 0 ? 0 : Math.sqrt(this.sumSquaredDiff / compared);
  }

  private get l2Holds(): boolean {
    if (this.sumSquaredReference > 0) return Math.sqrt(this.sumSquaredDiff / this.sumSquaredReference) <= this.rtol;
    return this.rms <= this.atol;
  }

  get withinShare(): number {
    return this.elements === 0 ? 1 : this.within / this.elements;
  }

  get constant(): boolean {
    return this.candidateValue !== undefined && !this.candidateVaries && this.referenceVaries;
  }

  get top1Agreement(): number {
    return this.rows === 0 ? 1 : this.agreeingRows / this.rows;
  }

  private where(location: Location | undefined): string {
    return location ? ` at ${formatIndex(location.index)} in batch ${location.batch}` : '';
  }

  /** The one failure of this output (the most specific), if any. */
  verdict(task: JudgedOutputs): { code: ParityFailureCode; message: string } | undefined {
    const name = `output ${this.spec.name}`;
    if (this.structural) return this.structural;
    if (this.nonFinite > 0)
      return {
        code: 'OUTPUT_NON_FINITE',
        message: `${name}: ${this.nonFinite} of ${this.elements} values are NaN or ±Inf where the reference is finite; first${this.where(this.firstNonFinite)}`,
      };
    if (this.judgedBy === 'structure') return undefined;
    if (this.constant)
      return {
        code: 'OUTPUT_CONSTANT',
        message: `${name}: every element of every batch is ${formatNumber(this.candidateValue ?? 0)} while the reference's output varies`,
      };
    const { parity } = task;
    if (parity.metric === 'top1') {
      if (this.top1Agreement >= parity.minAgreement) return undefined;
      return {
        code: 'PARITY_FAILED',
        message: `${name}: top-1 agreement ${formatShare(this.top1Agreement)} < ${formatShare(parity.minAgreement)} (${this.rows - this.agreeingRows} of ${this.rows} rows pick another class); first disagreement at row ${formatIndex(this.firstDisagreement?.index ?? [])} in batch ${this.firstDisagreement?.batch ?? 0}`,
      };
    }
    const problems: string[] = [];
    if (!this.l2Holds) {
      const relative = this.relativeL2;
      problems.push(
        relative === null
          ? `RMS error ${formatBeside(this.rms, parity.atol)} > atol ${formatNumber(parity.atol)} (the reference is all zeros)`
          : `relative L2 error ${formatBeside(relative, parity.rtol)} > rtol ${formatNumber(parity.rtol)}`,
      );
    }
    if (this.withinShare < parity.minElementShare)
      problems.push(
        `only ${formatShare(this.withinShare)} of elements within atol + rtol·|ref| (need ${formatShare(parity.minElementShare)})`,
      );
    if (problems.length === 0) return undefined;
    return {
      code: 'PARITY_FAILED',
      message: `${name}: ${problems.join('; ')}; worst |Δ| ${formatNumber(this.worstAbsError)}${this.where(this.worst)}`,
    };
  }

  report(task: JudgedOutputs, failure: { message: string } | undefined): OutputParity {
    const compared = this.structural === undefined && this.worst !== undefined;
    return {
      name: this.spec.name,
      judgedBy: this.judgedBy,
      elements: this.elements,
      relativeL2: this.structural ? null : this.relativeL2,
      worstAbsError: compared ? this.worstAbsError : 0,
      worstIndex: compared ? [...(this.worst?.index ?? [])] : [],
      worstBatch: compared ? (this.worst?.batch ?? null) : null,
      withinTolerance: task.parity.metric === 'tolerance' && !this.structural ? this.withinShare : null,
      nonFinite: this.nonFinite,
      constant: this.constant,
      ...(this.judgedBy === 'top1' && !this.structural ? { top1Agreement: this.top1Agreement } : {}),
      passed: failure === undefined,
      ...(failure ? { reason: failure.message } : {}),
    };
  }
}

function argmax(read: ElementReader, start: number, length: number): number | undefined {
  let best: number | undefined;
  let bestValue = -Infinity;
  for (let k = 0; k < length; k++) {
    const value = read(start + k);
    if (Number.isNaN(value)) return undefined;
    if (best === undefined || value > bestValue) {
      best = k;
      bestValue = value;
    }
  }
  return best;
}

async function createSession(bytes: Uint8Array, options: ort.InferenceSession.SessionOptions): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, options);
}

/**
 * Loads the reference, then the candidate, with the task's session options, hands both to `use`,
 * and releases them on every path. The reference first: when it cannot load (an execution provider
 * missing here) the fault is the platform's (`REFERENCE_FAILED`), not the learner's (`MODEL_UNLOADABLE`).
 */
export async function withSessions<T>(
  task: Pick<ParityTask, 'reference' | 'candidate' | 'session'>,
  use: (reference: ort.InferenceSession, candidate: ort.InferenceSession) => Promise<T>,
): Promise<T> {
  const options = sessionOptions(task.session);
  let reference: ort.InferenceSession | undefined;
  let candidate: ort.InferenceSession | undefined;
  try {
    try {
      reference = await createSession(task.reference, options);
    } catch (error) {
      fail('REFERENCE_FAILED', `the reference model could not be loaded: ${runtimeMessage(error)}`);
    }
    try {
      candidate = await createSession(task.candidate, options);
    } catch (error) {
      fail('MODEL_UNLOADABLE', runtimeMessage(error));
    }
    return await use(reference, candidate);
  } finally {
    await Promise.allSettled([reference?.release(), candidate?.release()]);
  }
}

/** The declared inputs with every dimension resolved against the (reference) session's own input shapes. */
export function concreteInputs(specs: readonly TensorSpec[], session: ort.InferenceSession): ConcreteInput[] {
  const declared = new Map(session.inputMetadata.map((m) => [m.name, m.isTensor ? m.shape : undefined]));
  return specs.map((spec) => ({ name: spec.name, dtype: spec.dtype, dims: resolveInputShape(spec, declared.get(spec.name)) }));
}

/** Hidden batch `batch` of a scoring, as ONNX Runtime feeds. */
export function hiddenFeeds(inputs: readonly ConcreteInput[], secretSeed: string, scoringNonce: string, batch: number): Feeds {
  const feeds: Feeds = {};
  for (const hidden of hiddenBatch(inputs, secretSeed, scoringNonce, batch)) feeds[hidden.name] = toTensor(hidden);
  return feeds;
}

/** What judging outputs needs from a task: the declared outputs and the rule. */
export type JudgedOutputs = Pick<ParityTask, 'outputs' | 'parity'>;

/**
 * Judges a candidate's outputs against the reference's under a task's parity rule, batch after
 * batch (each output is compared as it arrives; only running sums are kept). Used by the parity
 * over all its batches, and by the benchmark on the outputs of its timed runs.
 */
export class ParityJudge {
  private readonly tallies: OutputTally[];
  /** The declared outputs the reference is asked for. */
  readonly referenceFetches: readonly string[];
  /** The declared outputs the candidate has (those it lacks are already failed as OUTPUT_MISSING). */
  readonly candidateFetches: readonly string[];

  constructor(
    private readonly task: JudgedOutputs,
    candidateOutputNames: readonly string[],
  ) {
    const { parity } = task;
    const rtol = parity.metric === 'tolerance' ? parity.rtol : 0;
    const atol = parity.metric === 'tolerance' ? parity.atol : 0;
    this.tallies = task.outputs.map((spec) => {
      const judgedBy: OutputParity['judgedBy'] =
        parity.metric === 'tolerance' ? 'tolerance' : spec.name === parity.output ? 'top1' : 'structure';
      return new OutputTally(spec, judgedBy, rtol, atol);
    });
    for (const tally of this.tallies) {
      if (!candidateOutputNames.includes(tally.spec.name)) {
        const has = candidateOutputNames.slice(0, 10).join(', ') + (candidateOutputNames.length > 10 ? ', …' : '');
        tally.structural = {
          code: 'OUTPUT_MISSING',
          message: `output ${tally.spec.name}: the model has no output of that name (its outputs: ${has || 'none'})`,
        };
      }
    }
    this.referenceFetches = task.outputs.map((o) => o.name);
    this.candidateFetches = this.tallies.filter((t) => t.structural === undefined).map((t) => t.spec.name);
  }

  /** Compares one batch's outputs (`batch` only locates the worst element in messages). */
  compare(expected: ort.InferenceSession.ReturnType, actual: ort.InferenceSession.ReturnType, batch: number): void {
    for (const tally of this.tallies) {
      if (tally.structural) continue;
      compareOutput(tally, expected[tally.spec.name] as ort.Tensor, actual[tally.spec.name] as ort.Tensor | undefined, batch);
    }
  }

  /** Every declared output's report, in the task's order, and the failures among them. */
  verdict(): { outputs: OutputParity[]; failures: ParityFailure[] } {
    const outputs: OutputParity[] = [];
    const failures: ParityFailure[] = [];
    for (const tally of this.tallies) {
      const verdict = tally.verdict(this.task);
      if (verdict) failures.push({ code: verdict.code, output: tally.spec.name, message: verdict.message });
      outputs.push(tally.report(this.task, verdict));
    }
    return { outputs, failures };
  }
}

async function timedRun(
  session: ort.InferenceSession,
  feeds: Feeds,
  fetches: readonly string[],
): Promise<[ort.InferenceSession.ReturnType, number]> {
  const start = process.hrtime.bigint();
  const outputs = await session.run(feeds, [...fetches]);
  return [outputs, Number(process.hrtime.bigint() - start) / 1e6];
}

/**
 * Runs the reference and the candidate on `task.batches` hidden batches and judges every declared
 * output. Returns the verdict with a report per output; throws (message prefixed with a
 * {@link ParityErrorCode}) when there is nothing to judge: the task is malformed, the reference
 * fails, the candidate cannot be loaded, or it fails to run.
 */
export async function evaluateParity(task: ParityTask): Promise<ParityResult> {
  validateTask(task);
  return withSessions(task, (reference, candidate) => compareSessions(task, reference, candidate));
}

async function compareSessions(task: ParityTask, reference: ort.InferenceSession, candidate: ort.InferenceSession): Promise<ParityResult> {
  const inputs = concreteInputs(task.inputs, reference);
  const missingInReference = task.outputs.filter((o) => !reference.outputNames.includes(o.name)).map((o) => o.name);
  if (missingInReference.length > 0) fail('REFERENCE_FAILED', `the reference has no output named ${missingInReference.join(', ')}`);

  const judge = new ParityJudge(task, candidate.outputNames);
  const { referenceFetches, candidateFetches } = judge;

  let referenceMs = 0;
  let candidateMs = 0;
  for (let batch = 0; batch < task.batches; batch++) {
    const feeds = hiddenFeeds(inputs, task.secretSeed, task.scoringNonce, batch);

    const runReference = async (): Promise<ort.InferenceSession.ReturnType> => {
      try {
        const [outputs, ms] = await timedRun(reference, feeds, referenceFetches);
        referenceMs += ms;
        return outputs;
      } catch (error) {
        return fail('REFERENCE_FAILED', `the reference failed on hidden batch ${batch}: ${runtimeMessage(error)}`);
      }
    };
    const runCandidate = async (): Promise<ort.InferenceSession.ReturnType> => {
      if (candidateFetches.length === 0) return {};
      try {
        const [outputs, ms] = await timedRun(candidate, feeds, candidateFetches);
        candidateMs += ms;
        return outputs;
      } catch (error) {
        return fail('MODEL_RUN_FAILED', `the model failed on hidden batch ${batch}: ${runtimeMessage(error)}`);
      }
    };
    // Alternating the order keeps warm caches from favouring one side in the (informative) times.
    let expected: ort.InferenceSession.ReturnType;
    let actual: ort.InferenceSession.ReturnType;
    if (batch % 2 === 0) {
      expected = await runReference();
      actual = await runCandidate();
    } else {
      actual = await runCandidate();
      expected = await runReference();
    }
    judge.compare(expected, actual, batch);
  }

  const { outputs, failures } = judge.verdict();
  return { passed: failures.length === 0, batches: task.batches, outputs, failures, referenceMs, candidateMs };
}

function compareOutput(tally: OutputTally, expected: ort.Tensor, actual: ort.Tensor | undefined, batch: number): void {
  const name = tally.spec.name;
  const referenceReader = readerOf(expected);
  if (!referenceReader) fail('REFERENCE_FAILED', `the reference's output ${name} is of type ${expected.type}, which cannot be compared`);
  if (!actual) {
    tally.structural = { code: 'OUTPUT_MISSING', message: `output ${name}: the model returned no value for it in batch ${batch}` };
    return;
  }
  const candidateReader = readerOf(actual);
  if (actual.type !== expected.type || !sameDims(actual.dims, expected.dims) || !candidateReader) {
    tally.structural = {
      code: 'OUTPUT_SHAPE_MISMATCH',
      message: `output ${name}: the model gives ${actual.type} ${formatIndex(actual.dims)} where the reference gives ${expected.type} ${formatIndex(expected.dims)} (batch ${batch})`,
    };
    return;
  }
  tally.compare(referenceReader, candidateReader, expected.size, expected.dims, batch);
  if (tally.judgedBy === 'top1') {
    if (expected.dims.length === 0) fail('INVALID_TASK', `top1 output ${name} is a scalar; it needs a class axis`);
    tally.compareTop1(referenceReader, candidateReader, expected.size, expected.dims, batch);
  }
}
