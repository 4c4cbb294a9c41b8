import { codeMetrics, measureCode } from './code-metrics';
import type { CodeMetrics } from './code-metrics';
import { MAX_CODE_BYTES } from './prepare-source';

function measured(lines: number, cyclomaticComplexity: number, functions: number): CodeMetrics {
  return { lines, cyclomaticComplexity, functions, notMeasured: null };
}
const TOO_DEEP: CodeMetrics = { lines: 0, cyclomaticComplexity: 0, functions: 0, notMeasured: 'TOO_DEEP' };
const TOO_LARGE: CodeMetrics = { lines: 0, cyclomaticComplexity: 0, functions: 0, notMeasured: 'TOO_LARGE' };

describe('codeMetrics', () => {
  it('counts a straight-line function as complexity 1, one function, its non-blank lines', () => {
    expect(codeMetrics('function add(a, b) {\n\n  return a + b;\n}\n', 'javascript')).toEqual(measured(3, 1, 1));
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
    expect(codeMetrics(code, 'javascript')).toEqual(measured(3, 1, 2));
  });

  it('counts every line of a multi-line template literal, and // inside a string as code', () => {
    const code = 'const text = `first\n\n// not a comment\nlast`;\nconst url = "http://example.com";';
    expect(codeMetrics(code, 'javascript')).toMatchObject({ lines: 5, notMeasured: null });
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
    expect(codeMetrics(code, 'javascript')).toEqual(measured(18, 16, 1));
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
    expect(codeMetrics(code, 'typescript')).toEqual(measured(15, 4, 4));
  });

  it('measures an empty file as no lines, complexity 1, no functions', () => {
    expect(codeMetrics('\n// nothing here\n', 'typescript')).toEqual(measured(0, 1, 0));
  });

  describe('on pathological input, answers quickly instead of throwing', () => {
    /** Well above what this code takes on a busy machine, well below the "seconds" that would matter. */
    const QUICK_MS = 1_500;
    const timed = (source: string, language: 'javascript' | 'typescript' = 'javascript'): { metrics: CodeMetrics; ms: number } => {
      const started = performance.now();
      const metrics = codeMetrics(source, language);
      return { metrics, ms: performance.now() - started };
    };

    it('measures a 20,000-term && chain, a tree as deep as it is long that the parser builds without recursing', () => {
      const { metrics, ms } = timed(`const all = x${' && x'.repeat(20_000)};`);
      expect(metrics).toEqual(measured(1, 20_001, 0));
      expect(ms).toBeLessThan(QUICK_MS);
    });

    // Jest's thread has V8's default ~1 MiB stack, where the parser gives up after a few thousand
    // levels; in the sandbox host's 16 MiB workers the 10,000-level cases are measured instead
    // (test/int/code-escape.int-spec.ts). Either way the answer is defined and quick.
    it.each([
      ['64 KiB of nested parentheses', `const x = ${'('.repeat(32 * 1024)}1${')'.repeat(32 * 1024)};`],
      ['64 KiB of unclosed parentheses', '('.repeat(64 * 1024)],
      ['the largest accepted input, all opening brackets', '['.repeat(MAX_CODE_BYTES)],
      ['10,000 nested blocks', `${'{'.repeat(10_000)}${'}'.repeat(10_000)}`],
      ['10,000 nested ifs', `${'if (a) '.repeat(10_000)}b();`],
      ['10,000 nested arrows', `const f = ${'() => '.repeat(10_000)}1;`],
    ])('reports %s as TOO_DEEP (this thread’s stack) without throwing', (_name, source) => {
      const { metrics, ms } = timed(source);
      expect(metrics).toEqual(TOO_DEEP);
      expect(ms).toBeLessThan(QUICK_MS);
    });

    it('reports TypeScript types nested 10,000 deep as TOO_DEEP', () => {
      const { metrics } = timed(`type T = ${'Array<'.repeat(10_000)}number${'>'.repeat(10_000)};`, 'typescript');
      expect(metrics).toEqual(TOO_DEEP);
    });

    it('measures the same code the same way after a parse ran out of stack', () => {
      const code = 'function f(a) {\n  // note\n  return a ? 1 : a ?? 2;\n}\n';
      const before = codeMetrics(code, 'javascript');
      expect(codeMetrics('('.repeat(64 * 1024), 'javascript')).toEqual(TOO_DEEP);
      expect(codeMetrics(code, 'javascript')).toEqual(before);
      expect(before).toEqual(measured(3, 3, 1));
    });

    it('measures the largest accepted file of plain statements in well under seconds', () => {
      const line = 'let x = 1;\n';
      const { metrics, ms } = timed(line.repeat(Math.floor(MAX_CODE_BYTES / line.length)));
      expect(metrics).toEqual(measured(Math.floor(MAX_CODE_BYTES / line.length), 1, 0));
      expect(ms).toBeLessThan(3 * QUICK_MS);
    });

    it('refuses more than MAX_CODE_BYTES of UTF-8 as TOO_LARGE, counting bytes rather than characters', () => {
      expect(codeMetrics('x'.repeat(MAX_CODE_BYTES + 1), 'javascript')).toEqual(TOO_LARGE);
      // 100,000 characters, 300,000 bytes.
      expect(codeMetrics(`// ${'€'.repeat(100_000)}`, 'javascript')).toEqual(TOO_LARGE);
      expect(codeMetrics('x'.repeat(MAX_CODE_BYTES), 'javascript')).toEqual(measured(1, 1, 0));
    });
  });

  it('serves the code.metrics task', () => {
    expect(measureCode({ code: 'const f = (a) => a || 0;', language: 'typescript' })).toEqual(measured(1, 2, 1));
  });
});
