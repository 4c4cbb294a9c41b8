import { speedupFlags, speedupPoints, speedupVerdict } from './speedup-verdict';

describe('speedup verdicts and points', () => {
  const interval = (speedup: number, speedupLow: number, speedupHigh: number) => ({ speedup, speedupLow, speedupHigh });

  it('passes only when the lower bound reaches the target', () => {
    expect(speedupVerdict(interval(1.3, 1.1, 1.5), 1.1)).toBe('PASSED');
    expect(speedupVerdict(interval(1.12, 1.09, 1.15), 1.1)).toBe('INCONCLUSIVE');
    expect(speedupVerdict(interval(1.1, 1.1, 1.1), 1.1)).toBe('PASSED');
    expect(speedupVerdict(interval(1.0, 0.98, 1.02), 1.1)).toBe('FAILED');
  });

  it('pays points × speedup / target, capped at twice the points, and nothing without a proven speedup', () => {
    expect(speedupPoints(100, interval(4.5, 4, 5), 3)).toBe(150);
    expect(speedupPoints(100, interval(9, 8, 10), 3)).toBe(200);
    expect(speedupPoints(100, interval(3.1, 2.9, 3.3), 3)).toBe(0);
    expect(speedupPoints(100, interval(1, 0.99, 1.01), 3)).toBe(0);
  });

  it('flags a speedup above 20× as implausible', () => {
    expect(speedupFlags(interval(20.5, 19, 22))).toEqual(['SPEEDUP_IMPLAUSIBLE']);
    expect(speedupFlags(interval(20, 19, 21))).toEqual([]);
  });
});
