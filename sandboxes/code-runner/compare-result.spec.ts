import { compareResult } from './compare-result';

const exact = { mode: 'exact' } as const;
const approx = { mode: 'approx', tolerance: 1e-9 } as const;

describe('compareResult', () => {
  it('compares arrays by position and objects by key set, whatever the key order', () => {
    expect(compareResult({ a: [1, 2], b: 'x' }, { b: 'x', a: [1, 2] }, exact)).toEqual({ equal: true, mismatch: null });
    expect(compareResult([1, 2], [2, 1], exact).mismatch).toBe('at [0]: expected 1, got 2');
    expect(compareResult({ a: 1 }, { a: 1, b: 2 }, exact).mismatch).toBe('unexpected key "b"');
    expect(compareResult({ a: 1, b: 2 }, { a: 1 }, exact).mismatch).toBe('missing key "b"');
    expect(compareResult([1, 2, 3], [1, 2], exact).mismatch).toBe('expected 3 items, got 2: [1,2]');
  });

  it('accepts numbers within tolerance · max(1, |expected|) in approx mode only', () => {
    expect(compareResult([0.3], [0.1 + 0.2], approx).equal).toBe(true);
    expect(compareResult([0.3], [0.1 + 0.2], exact).equal).toBe(false);
    // Relative for large magnitudes: 1e6 · 1e-9 = 1e-3.
    expect(compareResult(1e6, 1e6 + 5e-4, approx).equal).toBe(true);
    expect(compareResult(1e6, 1e6 + 2e-3, approx).equal).toBe(false);
    // Absolute near zero.
    expect(compareResult(0, 5e-10, approx).equal).toBe(true);
    expect(compareResult(0, 2e-9, approx).equal).toBe(false);
  });

  it('never equates a number with null (what NaN becomes in JSON) or a string', () => {
    expect(compareResult([0.5], [null], approx).mismatch).toBe(
      'at [0]: expected 0.5, got null (also what NaN and ±Infinity become in JSON)',
    );
    expect(compareResult(1, '1', exact).equal).toBe(false);
  });

  it('says when nothing JSON-serialisable came back', () => {
    expect(compareResult([1], undefined, exact).mismatch).toBe('expected an array, got undefined (nothing JSON-serialisable was returned)');
  });

  it('clips long values in the description', () => {
    const long = Array.from({ length: 100 }, (_, i) => i);
    const { mismatch } = compareResult('short', long, exact);
    expect(mismatch?.endsWith('…')).toBe(true);
    expect(mismatch?.length).toBeLessThan(140);
  });
});
