import { codeMetrics } from './code-metrics';

describe('codeMetrics', () => {
  it('counts a straight-line function as complexity 1, one function, its non-blank lines', () => {
    expect(codeMetrics('function add(a, b) {\n\n  return a + b;\n}\n', 'javascript')).toEqual({
      lines: 3,
      cyclomaticComplexity: 1,
      functions: 1,
    });
  });

  it('does not count comment-only lines, JSDoc or blank lines, but counts code that ends in a comment', () => {
    const code = [
      '/**',
      ' * Sums.',
      ' * @param xs numbers',
      ' */',
      '// a line comment',
      'export function sum(xs) { // trailing comment',
      '  /* block */',
      '',
      '  return xs.reduce((a, b) => a + b, 0); /* after */',
      '}',
    ].join('\n');
    // Lines 6, 9 and 10; two functions (sum and the arrow).
    expect(codeMetrics(code, 'javascript')).toEqual({ lines: 3, cyclomaticComplexity: 1, functions: 2 });
  });

  it('counts every line of a multi-line template literal, and // inside a string as code', () => {
    const code = 'const text = `first\n\n// not a comment\nlast`;\nconst url = "http://example.com";';
    expect(codeMetrics(code, 'javascript').lines).toBe(5);
  });

  it('adds one per if, ?:, &&, ||, ??, case, loop and catch (hand-counted: 15)', () => {
    const code = `function classify(xs, limit) {
  let count = 0;
  for (let i = 0; i < xs.length; i++) {            // for: 1
    if (xs[i] > 0 && xs[i] < limit) count++;      // if: 2, &&: 3
    else if (xs[i] === 0 || xs[i] === null) {}    // if: 4, ||: 5
  }
  for (const x of xs) count += x ?? 0;             // for-of: 6, ??: 7
  for (const key in xs) count += 0;                // for-in: 8
  while (count > 100) count /= 2;                  // while: 9
  do { count -= 1; } while (count > 50);           // do: 10
  switch (count) {
    case 1: return 'one';                          // case: 11
    case 2: return 'two';                          // case: 12
    default: break;                                // default: not a decision
  }
  try { limit ||= 1; } catch { return null; }      // ||=: 13, catch: 14
  return count > 10 ? 'many' : 'few';              // ?: 15
}`;
    expect(codeMetrics(code, 'javascript')).toEqual({ lines: 18, cyclomaticComplexity: 16, functions: 1 });
  });

  it('measures TypeScript without counting types, interfaces or overload signatures as code paths or functions', () => {
    const code = `interface Box {
  width: number;
  area(): number;
}
type Pick = (xs: number[]) => number;
function top(xs: number[]): number;
function top(xs: number[], k: number): number[];
function top(xs: number[], k?: number): number | number[] {
  const sorted = [...xs].sort((a: number, b: number): number => b - a);
  return k === undefined ? (sorted[0] ?? 0) : sorted.slice(0, k);
}
class Sorter {
  constructor(private readonly xs: number[]) {}
  get first(): number { return this.xs[0] ?? 0; }
}`;
    // Functions: top's implementation, the comparator arrow, the constructor, the getter (4).
    // Decisions: ?: and two ?? (3).
    expect(codeMetrics(code, 'typescript')).toEqual({ lines: 15, cyclomaticComplexity: 4, functions: 4 });
  });

  it('measures an empty file as no lines, complexity 1, no functions', () => {
    expect(codeMetrics('\n// nothing here\n', 'typescript')).toEqual({ lines: 0, cyclomaticComplexity: 1, functions: 0 });
  });
});
