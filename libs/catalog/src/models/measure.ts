import * as ort from 'onnxruntime-node';
import type { TensorSpec } from '../definition';
import { SeededRandom } from './seeded-random';

/**
 * Parity and paired timing of two ONNX models in onnxruntime-node, the way DESIGN.md §4 scores
 * them: used by the catalog's own tests (a known solution must beat its reference) and usable
 * from bench/. The scorer's sandbox has its own implementation; this one exists so the catalog
 * can prove each challenge is solvable without depending on the scorer.
 */

export type Feeds = Record<string, ort.Tensor>;

export interface SessionSettings {
  readonly graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all';
  readonly intraOpNumThreads: number;
}

export async function createSession(model: Uint8Array, settings: SessionSettings): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(model, {
    graphOptimizationLevel: settings.graphOptimizationLevel,
    intraOpNumThreads: settings.intraOpNumThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    executionProviders: ['cpu'],
  });
}

/** Random inputs of the declared shapes: floats uniform in [-1, 1), integers in [0, 10). */
export function randomFeeds(specs: readonly TensorSpec[], rng: SeededRandom): Feeds {
  const feeds: Feeds = {};
  for (const spec of specs) {
    const dims = spec.shape.map((d) => {
      if (typeof d !== 'number') throw new Error(`input ${spec.name}: symbolic dimension ${d} needs a concrete size to draw inputs`);
      return d;
    });
    const count = dims.reduce((a, b) => a * b, 1);
    switch (spec.dtype) {
      case 'float32':
        feeds[spec.name] = new ort.Tensor('float32', rng.uniformFloat32(count, -1, 1), dims);
        break;
      case 'float64':
        feeds[spec.name] = new ort.Tensor(
          'float64',
          Float64Array.from({ length: count }, () => rng.uniform(-1, 1)),
          dims,
        );
        break;
      case 'int64':
        feeds[spec.name] = new ort.Tensor(
          'int64',
          BigInt64Array.from({ length: count }, () => BigInt(rng.int(10))),
          dims,
        );
        break;
      case 'int32':
        feeds[spec.name] = new ort.Tensor(
          'int32',
          Int32Array.from({ length: count }, () => rng.int(10)),
          dims,
        );
        break;
      case 'uint8':
        feeds[spec.name] = new ort.Tensor(
          'uint8',
          Uint8Array.from({ length: count }, () => rng.int(256)),
          dims,
        );
        break;
      case 'int8':
        feeds[spec.name] = new ort.Tensor(
          'int8',
          Int8Array.from({ length: count }, () => rng.int(256) - 128),
          dims,
        );
        break;
      case 'bool':
        feeds[spec.name] = new ort.Tensor(
          'bool',
          Uint8Array.from({ length: count }, () => rng.int(2)),
          dims,
        );
        break;
    }
  }
  return feeds;
}

export interface ToleranceParity {
  readonly metric: 'tolerance';
  readonly rtol: number;
  readonly atol: number;
  readonly minElementShare: number;
}

export interface OutputComparison {
  /** ‖candidate − reference‖₂ / ‖reference‖₂ */
  readonly relativeError: number;
  readonly maxAbsoluteError: number;
  /** Share of elements with |candidate − reference| ≤ atol + rtol·|reference|. */
  readonly elementShare: number;
  readonly allFinite: boolean;
  readonly passes: boolean;
}

function numbersOf(tensor: ort.Tensor): Float64Array {
  const data = tensor.data;
  if (data instanceof Float32Array || data instanceof Float64Array) return Float64Array.from(data);
  throw new Error(`output of type ${tensor.type} cannot be compared with a tolerance`);
}

/** The tolerance rule of DESIGN.md §4, for one output. */
export function compareOutput(reference: ort.Tensor, candidate: ort.Tensor, parity: ToleranceParity): OutputComparison {
  const ref = numbersOf(reference);
  const out = numbersOf(candidate);
  if (ref.length !== out.length) {
    return { relativeError: Infinity, maxAbsoluteError: Infinity, elementShare: 0, allFinite: false, passes: false };
  }
  let diffSquares = 0;
  let refSquares = 0;
  let maxAbsoluteError = 0;
  let within = 0;
  let allFinite = true;
  for (let i = 0; i < ref.length; i++) {
    if (!Number.isFinite(out[i])) allFinite = false;
    const diff = Math.abs(out[i] - ref[i]);
    diffSquares += diff * diff;
    refSquares += ref[i] * ref[i];
    if (diff > maxAbsoluteError) maxAbsoluteError = diff;
    if (diff <= parity.atol + parity.rtol * Math.abs(ref[i])) within++;
  }
  const relativeError = refSquares === 0 ? (diffSquares === 0 ? 0 : Infinity) : Math.sqrt(diffSquares / refSquares);
  const elementShare = within / ref.length;
  return {
    relativeError,
    maxAbsoluteError,
    elementShare,
    allFinite,
    passes: allFinite && relativeError <= parity.rtol && elementShare >= parity.minElementShare,
  };
}

export interface ParityReport {
  readonly batches: number;
  /** Worst value over all batches and outputs. */
  readonly worstRelativeError: number;
  readonly worstMaxAbsoluteError: number;
  readonly worstElementShare: number;
  readonly passes: boolean;
}

/** Runs both sessions on every batch and checks each declared output with the tolerance rule. */
export async function checkParity(
  reference: ort.InferenceSession,
  candidate: ort.InferenceSession,
  batches: readonly Feeds[],
  outputNames: readonly string[],
  parity: ToleranceParity,
): Promise<ParityReport> {
  let worstRelativeError = 0;
  let worstMaxAbsoluteError = 0;
  let worstElementShare = 1;
  let passes = true;
  for (const feeds of batches) {
    const expected = await reference.run(feeds);
    const actual = await candidate.run(feeds);
    for (const name of outputNames) {
      const got = actual[name];
      const comparison = got ? compareOutput(expected[name], got, parity) : undefined;
      if (!comparison) {
        passes = false;
        continue;
      }
      worstRelativeError = Math.max(worstRelativeError, comparison.relativeError);
      worstMaxAbsoluteError = Math.max(worstMaxAbsoluteError, comparison.maxAbsoluteError);
      worstElementShare = Math.min(worstElementShare, comparison.elementShare);
      passes &&= comparison.passes;
    }
  }
  return { batches: batches.length, worstRelativeError, worstMaxAbsoluteError, worstElementShare, passes };
}

export interface PairedTimingOptions {
  /** Timed rounds; each round times one batch of runs of each side. */
  readonly rounds: number;
  /** Runs per side and round; by default enough for the baseline to take about `targetRoundMs`. */
  readonly runsPerRound?: number;
  readonly targetRoundMs?: number;
  readonly warmupRuns?: number;
}

export interface PairedTiming {
  readonly rounds: number;
  readonly runsPerRound: number;
  /** Per round: baseline time / candidate time (> 1 means the candidate is faster). */
  readonly ratios: readonly number[];
  readonly medianRatio: number;
  /** Median time of one run, milliseconds. */
  readonly baselineMedianMs: number;
  readonly candidateMedianMs: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function timeRuns(session: ort.InferenceSession, feeds: Feeds, runs: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) await session.run(feeds);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Paired, interleaved timing (DESIGN.md §4): rounds alternate AB, BA, AB … so that drift of a
 * shared, noisy machine hits both sides alike, inputs rotate so that no side profits from a
 * warm cache of one input, and the statistic is the median of per-round ratios.
 */
export async function pairedTiming(
  baseline: ort.InferenceSession,
  candidate: ort.InferenceSession,
  inputs: readonly Feeds[],
  options: PairedTimingOptions,
): Promise<PairedTiming> {
  const warmupRuns = options.warmupRuns ?? 3;
  for (let i = 0; i < warmupRuns; i++) {
    await baseline.run(inputs[i % inputs.length]);
    await candidate.run(inputs[i % inputs.length]);
  }
  let runsPerRound = options.runsPerRound;
  if (runsPerRound === undefined) {
    const oneRunMs = Math.min(await timeRuns(baseline, inputs[0], 1), await timeRuns(baseline, inputs[0], 1));
    runsPerRound = Math.max(1, Math.round((options.targetRoundMs ?? 10) / Math.max(oneRunMs, 1e-3)));
  }
  const ratios: number[] = [];
  const baselineMs: number[] = [];
  const candidateMs: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const feeds = inputs[round % inputs.length];
    let a: number;
    let b: number;
    if (round % 2 === 0) {
      a = await timeRuns(baseline, feeds, runsPerRound);
      b = await timeRuns(candidate, feeds, runsPerRound);
    } else {
      b = await timeRuns(candidate, feeds, runsPerRound);
      a = await timeRuns(baseline, feeds, runsPerRound);
    }
    ratios.push(a / b);
    baselineMs.push(a / runsPerRound);
    candidateMs.push(b / runsPerRound);
  }
  return {
    rounds: options.rounds,
    runsPerRound,
    ratios,
    medianRatio: median(ratios),
    baselineMedianMs: median(baselineMs),
    candidateMedianMs: median(candidateMs),
  };
}
