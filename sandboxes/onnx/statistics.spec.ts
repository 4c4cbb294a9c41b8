import { bootstrapMedianInterval, median, percentile, seededStream } from './statistics';

/** Uniform in [0, 1) from a seeded stream (the known distribution of the sanity checks). */
function uniformSample(size: number, ...seed: (string | number)[]): number[] {
  const random = seededStream('spec', ...seed);
  return Array.from({ length: size }, () => random.nextUint32() / 2 ** 32);
}

describe('median and percentile', () => {
  it('take the middle value, and the mean of the two middle values of an even sample, in any order', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median(new Float64Array([10, -1, 1e-3]))).toBe(1e-3);
  });

  it('interpolate linearly between closest ranks (numpy’s default)', () => {
    const oneToEleven = Array.from({ length: 11 }, (_, i) => 11 - i);
    expect(percentile(oneToEleven, 0)).toBe(1);
    expect(percentile(oneToEleven, 50)).toBe(6);
    expect(percentile(oneToEleven, 90)).toBe(10);
    expect(percentile(oneToEleven, 100)).toBe(11);
    expect(percentile([1, 2, 3, 4], 90)).toBeCloseTo(3.7, 12);
  });

  it('sort numerically, not as strings', () => {
    expect(median([10, 9, 100])).toBe(10);
  });

  it('refuse an empty sample and a percentile outside [0, 100]', () => {
    expect(() => median([])).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('bootstrapMedianInterval', () => {
  const sample = uniformSample(31, 'fixed');

  it('gives the same interval for the same seed and values in any order', () => {
    const first = bootstrapMedianInterval(sample, { resamples: 2000, seed: 'job-1' });
    expect(bootstrapMedianInterval(sample, { resamples: 2000, seed: 'job-1' })).toEqual(first);
    expect(bootstrapMedianInterval([...sample].reverse(), { resamples: 2000, seed: 'job-1' })).toEqual(first);
    expect(bootstrapMedianInterval(sample, { resamples: 2000, seed: 7 })).toEqual(
      bootstrapMedianInterval(sample, { resamples: 2000, seed: 7 }),
    );
  });

  it('draws other resamples for another seed', () => {
    // With few resamples the interval's ends fall between order statistics, so they show the draw.
    const large = uniformSample(1000, 'seeds');
    const one = bootstrapMedianInterval(large, { resamples: 50, seed: 'job-1' });
    const other = bootstrapMedianInterval(large, { resamples: 50, seed: 'job-2' });
    expect(other).not.toEqual(one);
  });

  it('brackets the sample’s median, within the sample’s range', () => {
    const { low, high } = bootstrapMedianInterval(sample, { resamples: 2000, seed: 'job-1' });
    expect(low).toBeLessThanOrEqual(median(sample));
    expect(high).toBeGreaterThanOrEqual(median(sample));
    expect(low).toBeGreaterThanOrEqual(Math.min(...sample));
    expect(high).toBeLessThanOrEqual(Math.max(...sample));
  });

  it('collapses to the value of a constant sample', () => {
    expect(bootstrapMedianInterval([1.25, 1.25, 1.25], { resamples: 100, seed: 1 })).toEqual({ low: 1.25, high: 1.25 });
  });

  it('on a uniform [0, 1) sample of 1000: contains 0.5 and is as wide as the median’s standard error predicts', () => {
    // The median of n uniform values has standard error 1 / (2·√n) ≈ 0.0158: a 95% interval ≈ 0.062 wide.
    const { low, high } = bootstrapMedianInterval(uniformSample(1000, 'large'), { resamples: 500, seed: 'large' });
    expect(low).toBeLessThan(0.5);
    expect(high).toBeGreaterThan(0.5);
    expect(high - low).toBeGreaterThan(0.04);
    expect(high - low).toBeLessThan(0.09);
  });

  it('covers the true median of a uniform distribution about 95% of the time with 31 values', () => {
    // Sizes kept small: Jest's realm makes every global lookup (Math.imul in the generator) slow.
    const trials = 100;
    let covered = 0;
    for (let trial = 0; trial < trials; trial++) {
      const { low, high } = bootstrapMedianInterval(uniformSample(31, 'coverage', trial), { resamples: 500, seed: trial });
      if (low <= 0.5 && 0.5 <= high) covered++;
    }
    // Deterministic (every stream is seeded); the bootstrap of a median is somewhat conservative at this size.
    expect(covered / trials).toBeGreaterThan(0.88);
    expect(covered / trials).toBeLessThanOrEqual(1);
  });

  it('refuses an empty sample, no resamples and a confidence outside (0, 1)', () => {
    expect(() => bootstrapMedianInterval([], { resamples: 10, seed: 1 })).toThrow(RangeError);
    expect(() => bootstrapMedianInterval([1], { resamples: 0, seed: 1 })).toThrow(RangeError);
    expect(() => bootstrapMedianInterval([1], { resamples: 10, seed: 1, confidence: 1 })).toThrow(RangeError);
  });
});
