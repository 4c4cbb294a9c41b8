import type { StoredTiming } from '@app/domain';

/**
 * `Result.metrics.timing` as the scorer stores it: `rounds` paired rounds whose latencies vary
 * deterministically around a baseline of ~3.1 ms and a candidate of ~2.2 ms.
 */
export const TimingFactory = {
  build(overrides: Partial<StoredTiming> & { roundCount?: number } = {}): StoredTiming {
    const { roundCount = 30, ...fields } = overrides;
    const rounds = Array.from({ length: roundCount }, (_, i) => {
      const baselineMs = 3.1 + 0.05 * Math.sin(i);
      const candidateMs = 2.2 + 0.04 * Math.cos(i * 1.3);
      return { baselineMs, candidateMs, ratio: baselineMs / candidateMs, baselineFirst: i % 2 === 0 };
    });
    return {
      speedup: 1.42,
      speedupLow: 1.35,
      speedupHigh: 1.5,
      target: 1.1,
      rounds,
      runsPerRound: 20,
      baselineP50Ms: 3.14,
      baselineP90Ms: 3.27,
      candidateP50Ms: 2.21,
      candidateP90Ms: 2.3,
      settings: { threads: 1, warmupRuns: 5 },
      ...fields,
    };
  },
};
