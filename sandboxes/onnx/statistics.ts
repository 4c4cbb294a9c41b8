import { createHash } from 'node:crypto';
import { Xoshiro128 } from './hidden-inputs';

/**
 * The statistics of the benchmark (DESIGN.md §4 "Timing"): medians, percentiles and a seeded
 * bootstrap interval of the median. Pure functions of their arguments; the random streams are
 * xoshiro128** seeded through sha256, so a result is the same on every platform for the same seed.
 */

/** Bumped if the drawing ever changes, so that old and new intervals can never be confused. */
const STREAM_DOMAIN = 'proving-ground/benchmark-statistics/v1';

/** A random stream named by its parts (e.g. a bootstrap seed, or a secret seed, a nonce and a purpose). */
export function seededStream(...parts: readonly (string | number)[]): Xoshiro128 {
  // A JSON array keeps the parts apart whatever characters they contain.
  const digest = createHash('sha256')
    .update(JSON.stringify([STREAM_DOMAIN, ...parts]))
    .digest();
  return new Xoshiro128(new Uint8Array(digest.buffer, digest.byteOffset, digest.length));
}

function checkSample(values: ArrayLike<number>, what: string): void {
  if (values.length === 0) throw new RangeError(`${what} of an empty sample`);
}

/** Percentile `p` (0–100) of an ascending sample, interpolated linearly between closest ranks. */
function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  const position = (p / 100) * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const fraction = position - below;
  return fraction === 0 ? sorted[below] : sorted[below] + (sorted[above] - sorted[below]) * fraction;
}

function ascending(values: ArrayLike<number>): Float64Array {
  // A Float64Array sorts numerically (an Array would sort as strings).
  return Float64Array.from(values).sort();
}

/**
 * Percentile `p` (0–100) with linear interpolation between closest ranks (the definition of
 * numpy's default and R's type 7): p50 of [1, 2, 3, 4] is 2.5, p90 of 1…11 is 10.
 */
export function percentile(values: ArrayLike<number>, p: number): number {
  checkSample(values, 'a percentile');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${p}`);
  return percentileOfSorted(ascending(values), p);
}

/** The middle value; the mean of the two middle values of an even sample. */
export function median(values: ArrayLike<number>): number {
  checkSample(values, 'a median');
  return percentileOfSorted(ascending(values), 50);
}

export interface BootstrapOptions {
  /** Resamples drawn (DESIGN.md §4: 2,000). */
  resamples: number;
  /** Any string or number: the same seed and values give the same interval. */
  seed: string | number;
  /** Two-sided coverage, 0.95 by default. */
  confidence?: number;
}

export interface Interval {
  low: number;
  high: number;
}

/**
 * Percentile bootstrap interval of the median: `resamples` samples of the same size are drawn from
 * `values` with replacement, and the interval spans the middle `confidence` of their medians.
 * A resample is drawn as counts over the sorted values (which value is drawn how often), so its
 * median is found in one pass without sorting; the result does not depend on the values' order.
 */
export function bootstrapMedianInterval(values: ArrayLike<number>, options: BootstrapOptions): Interval {
  checkSample(values, 'a bootstrap interval');
  const { resamples, seed, confidence = 0.95 } = options;
  if (!Number.isSafeInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  const random = seededStream('bootstrap-median', seed);
  const sorted = ascending(values);
  const n = sorted.length;
  // 0-based ranks of the middle value(s) of a sample of n: equal when n is odd.
  const lowerMiddle = (n - 1) >> 1;
  const upperMiddle = n >> 1;
  const counts = new Uint32Array(n);
  const medians = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[random.below(n)]++;
    let seen = 0;
    let lower = Number.NaN;
    for (let k = 0; k < n; k++) {
      seen += counts[k];
      if (Number.isNaN(lower) && seen > lowerMiddle) lower = sorted[k];
      if (seen > upperMiddle) {
        medians[r] = (lower + sorted[k]) / 2;
        break;
      }
    }
  }
  medians.sort();
  const tail = ((1 - confidence) / 2) * 100;
  return { low: percentileOfSorted(medians, tail), high: percentileOfSorted(medians, 100 - tail) };
}
