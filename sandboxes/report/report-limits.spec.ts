import { checkReport } from './check-report';
import { MAX_CODE_SPAN_SCAN, MAX_LINES, MAX_TABLE_CELLS } from './markdown-outline';
import { repeatedTo, reportTask } from './report.factory';
import type { ReportCheckResult } from './types';

/**
 * Hostile reports of up to 200 KiB: each must come back with a defined result, quickly. Before the
 * limits, several of these ran for minutes in remark (micromark's cost grows with the square of
 * nesting, of unmatched emphasis, of setext headings…; `> ` × 100,000 took 7 minutes and then
 * overflowed the stack). 2 s is a behaviour bound, far above what they take (README.md, "Numbers").
 */
const BOUND_MS = 2_000;
const JUST_UNDER = 200 * 1024 - 64;

function timed(markdown: string): { result: ReportCheckResult; ms: number } {
  const startedAt = performance.now();
  const result = checkReport(reportTask(markdown));
  return { result, ms: performance.now() - startedAt };
}

const lines = (count: number, line: (index: number) => string): string =>
  Array.from({ length: count }, (_, index) => line(index)).join('\n');

describe('checkReport on hostile reports', () => {
  it.each<[string, () => string, RegExp]>([
    [
      '200 KiB of nested block quotes on one line',
      () => `${repeatedTo('> ', JUST_UNDER)}x`,
      /^Line 1 opens more than 16 block quotes or list items/,
    ],
    ['200 KiB of nested lists on one line', () => `${repeatedTo('- ', JUST_UNDER)}x`, /^Line 1 opens more than 16/],
    ['200 KiB of nested ordered lists on one line', () => `${repeatedTo('1. ', JUST_UNDER)}x`, /^Line 1 opens more than 16/],
    ['block quotes and lists mixed, nested on one line', () => `${repeatedTo('> * 1) + ', JUST_UNDER)}x`, /^Line 1 opens more than 16/],
    [
      'lists nested by indentation, a staircase of 300 levels',
      () => lines(300, (i) => `${' '.repeat(2 * i)}- x`),
      /^Line 34 starts a list item or block quote after 66 columns/,
    ],
    [
      '16 levels of block quote on every line',
      () => repeatedTo(`${'> '.repeat(16)}x\n`, JUST_UNDER),
      /^The report nests block quotes and lists more than a report needs/,
    ],
    [
      'pathological emphasis on one line (`*a_` × 68,000)',
      () => repeatedTo('*a_', JUST_UNDER),
      /^Line 1 has 136,490 emphasis, link and code markers/,
    ],
    [
      'pathological emphasis over 15,000 lines',
      () => repeatedTo('*a_*a_*a_*a_\n', JUST_UNDER),
      /^The report has 15,749 lines; at most 10,000 are accepted/,
    ],
    [
      'pathological emphasis over 3,000 lines',
      () => lines(3_000, () => '*a_*a_*a_*a_'),
      /^The report has more than 10,000 emphasis, link and code markers/,
    ],
    ['200 KiB of unclosed links', () => repeatedTo('[a](', JUST_UNDER), /^Line 1 has .* emphasis, link and code markers/],
    [
      'nested brackets over many lines',
      () => lines(2_000, () => '[[[[[[[[]]]]]]]]'),
      /^The report has more than 10,000 emphasis, link and code markers/,
    ],
    ['entity references by the ten thousand', () => lines(200, () => '&amp;'.repeat(100)), /^The report has more than 10,000/],
    ['51,000 setext headings', () => repeatedTo('a\n=\n', JUST_UNDER), /^The report has 102,369 lines; at most 10,000/],
    ['100,000 empty list items', () => repeatedTo('-\n', JUST_UNDER), /^The report has 102,369 lines/],
    [
      'a table of 2,000 columns',
      () => `|${'a|'.repeat(2_000)}\n|${'-|'.repeat(2_000)}\n|${'1 ms|'.repeat(2_000)}\n`,
      /^The table on line 1 has 2,000 columns; at most 100/,
    ],
    [
      'a table of 12,000 cells',
      () => `| a | b |\n|---|---|\n${lines(6_000, () => '| 1 | 2 |')}`,
      /^The report has more than 10,000 table cells/,
    ],
    [
      'pathological emphasis after a "fence" indented too deep to open one (it continues the paragraph)',
      () => `Text\n          \`\`\`\n${lines(2_000, () => `          ${'*a_'.repeat(30)}`)}`,
      /^The report has more than 10,000 emphasis, link and code markers/,
    ],
    [
      'inline code that never closes, in bulk',
      () => lines(100, (i) => `${'`'.repeat(i + 1)}${'a'.repeat(1_900)}`),
      /^Lines 1–100 hold backtick runs that never close/,
    ],
  ])('refuses %s as REPORT_TOO_COMPLEX, quickly', (_name, build, message) => {
    const markdown = build();
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(200 * 1024);
    const { result, ms } = timed(markdown);
    expect(result).toMatchObject({ ok: false, code: 'REPORT_TOO_COMPLEX', message: expect.stringMatching(message) });
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it('checks 10,000 headings quickly and gives each a unique anchor', () => {
    const markdown = lines(MAX_LINES, (i) => `## Results ${i % 3 === 0 ? '' : i % 7}`);
    const { result, ms } = timed(markdown);
    if (!result.ok) throw new Error(result.message);
    expect(result.headings).toHaveLength(10_000);
    expect(new Set(result.headings.map((heading) => heading.anchor)).size).toBe(10_000);
    expect(result.headings.slice(0, 4).map((heading) => heading.anchor)).toEqual(['results', 'results-1', 'results-2', 'results-3']);
    expect(result.headings.at(-1)?.line).toBe(10_000);
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it('checks a table of 3,000 rows quickly, reading every row (it is parsed in pieces under a repeated header)', () => {
    const rows = 3_000;
    const markdown = `## Results\n\n| run | latency |\n|---|---|\n${lines(rows, (i) => `| ${i} | ${i === rows - 1 ? '1 ms' : '8 ms'} |`)}\n`;
    const { result, ms } = timed(markdown);
    if (!result.ok) throw new Error(result.message);
    expect(result.checks.find((check) => check.name === 'RESULTS_TABLE')).toMatchObject({ passed: true, line: 3 });
    expect(result.overclaims).toBe(1);
    // Only the first 500 claims are listed; all are judged.
    expect(result.claims[0]).toMatchObject({ text: '8 ms', line: 5, source: 'table', verdict: 'CONSISTENT' });
    expect(result.claimsOmitted).toBe(rows - 500);
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it.each<[string, () => string]>([
    ['a 200 KiB fenced code block', () => `\`\`\`\n${repeatedTo('x = [a](b) *c* `d` > e - f\n', JUST_UNDER - 8)}\`\`\`\n`],
    ['16 levels of block quote on 1,200 lines', () => lines(1_200, () => `${'> '.repeat(16)}x 2.4x faster`)],
    ['9,000 emphasis markers over 1,500 lines', () => lines(1_500, () => '*a_*a_*a_')],
    ['4,990 setext headings', () => lines(4_990, () => 'Results\n=======')],
    ['5,000 link reference definitions', () => lines(4_990, (i) => `[ref${i}]: https://example.com/${i}`)],
    [
      'a table of 100 columns and 90 rows',
      () => `|${'h|'.repeat(100)}\n|${'-|'.repeat(100)}\n${lines(90, () => `|${'1.5x|'.repeat(100)}`)}`,
    ],
    ['10,000 lines of lazy block-quote continuation', () => `${'> '.repeat(16)}a\n${lines(MAX_LINES - 1, () => 'b')}`],
    ['200 KiB of one paragraph', () => repeatedTo('We measured 1.55x faster inference at 7.9 ms p50 latency. ', JUST_UNDER)],
    [`${MAX_TABLE_CELLS - 10} table cells`, () => `| a | b |\n|---|---|\n${lines((MAX_TABLE_CELLS - 10) / 3, () => '| 1.5x | 8 ms |')}`],
  ])('checks %s quickly', (_name, build) => {
    const markdown = build();
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(200 * 1024);
    const { result, ms } = timed(markdown);
    expect(result).toMatchObject({ ok: true });
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it('turns a stack overflow inside the parser into REPORT_UNPARSABLE instead of throwing', () => {
    // Run the check with less and less stack left: somewhere the parser itself overflows.
    const task = reportTask(`## Results\n\n${lines(50, (i) => `${'> '.repeat(12)}- item ${i} with *emphasis* and [a link](x)`)}`);
    const atDepth = (depth: number): ReportCheckResult => (depth === 0 ? checkReport(task) : atDepth(depth - 1));
    let deepest = 0;
    for (let step = 1 << 20; step >= 1; step >>= 1) {
      try {
        atDepthProbe(deepest + step);
        deepest += step;
      } catch {
        // too deep: try a smaller step
      }
    }
    const outcomes = new Set<string>();
    for (let depth = deepest; depth > 0 && depth > deepest - 20_000; depth -= 25) {
      try {
        const result = atDepth(depth);
        outcomes.add(result.ok ? 'ok' : result.code);
      } catch (error) {
        outcomes.add(error instanceof RangeError ? 'RangeError outside the parser' : String(error));
      }
      if (outcomes.has('REPORT_UNPARSABLE') && outcomes.has('ok')) break;
    }
    expect(outcomes).toContain('REPORT_UNPARSABLE');
    expect(outcomes).toContain('ok');
  });
});

function atDepthProbe(depth: number): number {
  return depth === 0 ? 0 : atDepthProbe(depth - 1) + 1;
}

describe('the limits stay above what a report needs', () => {
  it(`lets a dense, honest 200 KiB report through (code span scan well under ${MAX_CODE_SPAN_SCAN.toLocaleString('en-US')})`, () => {
    const section = (i: number) => `## Results ${i}

We measured a median speedup of **1.55×** (95% interval 1.52–1.61×) on the [reference machine](https://example.com/hw).
Latency p50 dropped from 12.3 ms to 7.9 ms; peak memory from 512 MiB to 410 MiB. Top-1 agreement: 99.1%.

| metric | baseline | candidate |
| --- | ---: | ---: |
| p50 latency | 12.3 ms | 7.9 ms |
| peak memory | 512 MiB | 410 MiB |

- first point with \`code\` and _emphasis_
- second point, see [link](http://x/y)

\`\`\`bash
python bench.py --model model.onnx --rounds 30 --seed 42
\`\`\`
`;
    let markdown = '';
    for (let i = 0; Buffer.byteLength(markdown) + 800 < 200 * 1024; i++) markdown += `${section(i)}\n`;
    const { result, ms } = timed(markdown);
    if (!result.ok) throw new Error(result.message);
    expect(result.flags).toEqual([]);
    expect(result.headings.length).toBeGreaterThan(300);
    expect(ms).toBeLessThan(BOUND_MS);
  });
});
