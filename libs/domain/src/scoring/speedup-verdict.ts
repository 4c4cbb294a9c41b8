/**
 * The OPTIMIZE_MODEL rules of DESIGN.md §4, as pure functions: the verdict from the speedup's 95%
 * interval and the challenge's target, the points, and the flags.
 */
export type VerdictName = 'PASSED' | 'INCONCLUSIVE' | 'FAILED';

/** A speedup above this is not trusted: flagged for review, kept off the leaderboard. */
export const IMPLAUSIBLE_SPEEDUP = 20;

/** Points grow with the speedup up to this multiple of the challenge's points. */
export const POINTS_CAP = 2;

export interface SpeedupInterval {
  speedup: number;
  speedupLow: number;
  speedupHigh: number;
}

/** PASSED when the interval's lower bound reaches the target; INCONCLUSIVE when it straddles it; else FAILED. */
export function speedupVerdict(interval: SpeedupInterval, target: number): VerdictName {
  if (interval.speedupLow >= target) return 'PASSED';
  if (interval.speedupHigh >= target) return 'INCONCLUSIVE';
  return 'FAILED';
}

/**
 * `points × min(speedup / target, POINTS_CAP)` for a PASSED result, 0 otherwise. DESIGN.md §4 gives
 * the formula for every result with parity; paying a share of the points to an unproven or failed
 * speedup would pay the unchanged reference (speedup ≈ 1) a third of a 3× challenge's points, so
 * only a PASSED result earns (docs/decisions/0003-points-only-for-a-proven-speedup.md).
 */
export function speedupPoints(points: number, interval: SpeedupInterval, target: number): number {
  if (speedupVerdict(interval, target) !== 'PASSED') return 0;
  return Math.round(points * Math.min(interval.speedup / target, POINTS_CAP) * 100) / 100;
}

/** Flags a result carries for reviewers. */
export function speedupFlags(interval: SpeedupInterval): string[] {
  return interval.speedup > IMPLAUSIBLE_SPEEDUP ? ['SPEEDUP_IMPLAUSIBLE'] : [];
}
