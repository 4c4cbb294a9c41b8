import type { CompareMode } from './types';

export interface Comparison {
  equal: boolean;
  /** Where and how the values first differ; null when equal. Mentor-only (shows the expected value). */
  mismatch: string | null;
}

const PREVIEW_CHARS = 80;

/**
 * Compares a learner's result (already a JSON value, or undefined when nothing serialisable was
 * returned) with the expected JSON value.
 *
 * - exact: deep equality; arrays by position, objects by key set (key order does not matter).
 * - approx: the same, except numbers pass when |got − expected| ≤ tolerance · max(1, |expected|),
 *   an absolute tolerance near zero and a relative one for large magnitudes (a mean of values
 *   around 1e6 summed in another order differs by ~1e-10 relative, far above any absolute 1e-9).
 */
export function compareResult(expected: unknown, got: unknown, compare: CompareMode): Comparison {
  const mismatch = findMismatch(expected, got, compare, '');
  return { equal: mismatch === null, mismatch };
}

function findMismatch(expected: unknown, got: unknown, compare: CompareMode, path: string): string | null {
  const at = path === '' ? '' : `at ${path}: `;
  if (typeof expected === 'number' && typeof got === 'number') {
    return numbersMatch(expected, got, compare) ? null : `${at}expected ${preview(expected)}, got ${preview(got)}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(got)) return `${at}expected an array, got ${describe(got)}`;
    if (expected.length !== got.length) return `${at}expected ${expected.length} items, got ${got.length}: ${preview(got)}`;
    for (let i = 0; i < expected.length; i++) {
      const inner = findMismatch(expected[i], got[i], compare, `${path}[${i}]`);
      if (inner !== null) return inner;
    }
    return null;
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(got)) return `${at}expected an object, got ${describe(got)}`;
    const expectedKeys = Object.keys(expected).sort();
    const gotKeys = Object.keys(got).sort();
    const missing = expectedKeys.filter((key) => !Object.hasOwn(got, key));
    if (missing.length > 0) return `${at}missing key ${JSON.stringify(missing[0])}`;
    const extra = gotKeys.filter((key) => !Object.hasOwn(expected, key));
    if (extra.length > 0) return `${at}unexpected key ${JSON.stringify(extra[0])}`;
    for (const key of expectedKeys) {
      const inner = findMismatch(expected[key], got[key], compare, `${path}.${key}`);
      if (inner !== null) return inner;
    }
    return null;
  }
  if (expected === got) return null;
  return `${at}expected ${preview(expected)}, got ${describe(got)}`;
}

function numbersMatch(expected: number, got: number, compare: CompareMode): boolean {
  if (compare.mode === 'exact') return expected === got;
  // NaN and infinities cannot arrive through JSON, but a direct caller could pass them: never equal.
  if (!Number.isFinite(expected) || !Number.isFinite(got)) return false;
  return Math.abs(got - expected) <= compare.tolerance * Math.max(1, Math.abs(expected));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined (nothing JSON-serialisable was returned)';
  if (Array.isArray(value)) return `an array ${preview(value)}`;
  if (value === null) return 'null (also what NaN and ±Infinity become in JSON)';
  return `${typeof value} ${preview(value)}`;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
}
