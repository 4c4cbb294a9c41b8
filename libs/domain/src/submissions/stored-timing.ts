/**
 * The timing stage's measurements as the scorer stores them in `Result.metrics.timing`
 * (DESIGN.md §4): paired, interleaved rounds; per round the latency of one run of each model (by default the median run of the round's batch; see sandboxes/onnx/README.md).
 */
export interface TimingRound {
  baselineMs: number;
  candidateMs: number;
  /** baselineMs / candidateMs. */
  ratio: number;
  /** Which model ran first in the round (ABAB… order alternates it). */
  baselineFirst: boolean;
}

export interface StoredTiming {
  /** Median of the per-round ratios, and its 95% bootstrap interval. */
  speedup: number;
  speedupLow: number;
  speedupHigh: number;
  /** The challenge's target speedup: PASSED when speedupLow ≥ target. */
  target: number;
  rounds: TimingRound[];
  runsPerRound: number;
  baselineP50Ms: number;
  baselineP90Ms: number;
  candidateP50Ms: number;
  candidateP90Ms: number;
  settings: Record<string, unknown>;
}

/** The numbers every stored timing holds. */
export const TIMING_NUMBERS = [
  'speedup',
  'speedupLow',
  'speedupHigh',
  'target',
  'baselineP50Ms',
  'baselineP90Ms',
  'candidateP50Ms',
  'candidateP90Ms',
] as const;

/** Rounds read from a stored result at most (a report draws a sample of them, never more). */
export const STORED_TIMING_MAX_ROUNDS = 100_000;

/**
 * The timing in `metrics`, or null when there is none or it is not in the shape above. Rounds
 * with a non-finite or non-positive latency are left out (JSON turns NaN into null).
 */
export function storedTimingOf(metrics: Record<string, unknown>): StoredTiming | null {
  const timing = metrics.timing;
  if (timing === null || typeof timing !== 'object' || Array.isArray(timing)) return null;
  const fields = timing as Record<string, unknown>;
  if (!TIMING_NUMBERS.every((name) => isFiniteNumber(fields[name]))) return null;
  if (!Array.isArray(fields.rounds)) return null;
  const rounds: TimingRound[] = [];
  for (const round of fields.rounds.slice(0, STORED_TIMING_MAX_ROUNDS) as unknown[]) {
    if (round === null || typeof round !== 'object') continue;
    const { baselineMs, candidateMs, ratio, baselineFirst } = round as Record<string, unknown>;
    if (!isPositive(baselineMs) || !isPositive(candidateMs)) continue;
    rounds.push({
      baselineMs,
      candidateMs,
      ratio: isPositive(ratio) ? ratio : baselineMs / candidateMs,
      baselineFirst: baselineFirst === true,
    });
  }
  if (rounds.length === 0) return null;
  const settings = fields.settings;
  return {
    speedup: fields.speedup as number,
    speedupLow: fields.speedupLow as number,
    speedupHigh: fields.speedupHigh as number,
    target: fields.target as number,
    rounds,
    runsPerRound: isPositive(fields.runsPerRound) ? fields.runsPerRound : 1,
    baselineP50Ms: fields.baselineP50Ms as number,
    baselineP90Ms: fields.baselineP90Ms as number,
    candidateP50Ms: fields.candidateP50Ms as number,
    candidateP90Ms: fields.candidateP90Ms as number,
    settings: settings !== null && typeof settings === 'object' && !Array.isArray(settings) ? (settings as Record<string, unknown>) : {},
  };
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isPositive(value: unknown): value is number {
  return isFiniteNumber(value) && value > 0;
}
