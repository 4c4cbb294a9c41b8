import { parseXml, TimingFactory } from '@app/testing';
import { escapeXml } from '@app/domain';
import { fmt, niceTicks, renderBenchmarkReport, REPORT_MAX_POINTS, type BenchmarkReportInput } from './benchmark-report';

/** Element names in document order (the well-formedness check throws on a problem). */
const parseElements = (xml: string): string[] => parseXml(xml).map((element) => element.name);

function report(overrides: Partial<BenchmarkReportInput> = {}): BenchmarkReportInput {
  return {
    challenge: 'pruned-mlp-speedup',
    submissionId: '11111111-2222-4333-8444-555555555555',
    learner: 'ada',
    verdict: 'PASSED',
    timing: TimingFactory.build(),
    ...overrides,
  };
}

describe('the benchmark picture', () => {
  it('is well-formed SVG with no script, event handler or external reference', () => {
    const svg = renderBenchmarkReport(report());
    const elements = parseElements(svg);
    expect(elements[0]).toBe('svg');
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(new Set(elements)).toEqual(new Set(['svg', 'title', 'rect', 'text', 'line', 'g', 'circle']));
    expect(svg).not.toMatch(/<script|\son[a-z]+=|href|url\(/i);
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('draws every round of both models and of the speedup, and states the numbers', () => {
    const timing = TimingFactory.build({ roundCount: 40 });
    const svg = renderBenchmarkReport(report({ timing }));
    expect(svg.match(/<circle /g)).toHaveLength(3 * 40);
    for (const expected of [
      'speedup 1.42× (95% interval 1.35× to 1.5×) against a target of 1.1×: the lower bound reaches the target',
      'baseline p50 3.14 ms, p90 3.27 ms · candidate p50 2.21 ms, p90 2.3 ms',
      'target 1.1×',
      '40 rounds × 20 runs',
      'verdict PASSED',
    ]) {
      expect(svg).toContain(expected);
    }
  });

  it('says when the interval straddles or misses the target', () => {
    expect(renderBenchmarkReport(report({ timing: TimingFactory.build({ speedupLow: 1.05 }) }))).toContain(
      'the interval straddles the target',
    );
    expect(renderBenchmarkReport(report({ timing: TimingFactory.build({ target: 2 }) }))).toContain('the interval lies below the target');
  });

  it('escapes every name it shows: nothing a learner or a challenge names can become markup', () => {
    const hostile = report({
      challenge: '</text><script>alert(1)</script>',
      learner: '"><svg onload="alert(1)"> & \u0007 \uD800',
    });
    const svg = renderBenchmarkReport(hostile);
    parseElements(svg);
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('<svg onload');
    expect(svg).toContain('&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(svg).toContain('&quot;&gt;&lt;svg onload=&quot;alert(1)&quot;&gt; &amp; \uFFFD \uFFFD');
  });

  it('draws a sample of a very long run, and says so', () => {
    const svg = renderBenchmarkReport(report({ timing: TimingFactory.build({ roundCount: 10_000 }) }));
    parseElements(svg);
    expect(svg.match(/<circle /g)).toHaveLength(3 * REPORT_MAX_POINTS);
    expect(svg).toContain(`10000 rounds (${REPORT_MAX_POINTS} of them drawn)`);
  });

  it('draws identical latencies and a single round without dividing by zero', () => {
    const timing = TimingFactory.build({
      rounds: [{ baselineMs: 2, candidateMs: 2, ratio: 1, baselineFirst: true }],
      speedup: 1,
      speedupLow: 1,
      speedupHigh: 1,
      target: 1,
    });
    const svg = renderBenchmarkReport(report({ timing }));
    parseElements(svg);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });
});

describe('picture helpers', () => {
  it('escapes the five XML specials and replaces characters XML cannot hold', () => {
    expect(escapeXml(`<a href='x'>"&"</a>\u0000`)).toBe('&lt;a href=&apos;x&apos;&gt;&quot;&amp;&quot;&lt;/a&gt;\uFFFD');
    expect(escapeXml('speedup 1.5× 😀')).toBe('speedup 1.5× 😀');
  });

  it('picks round tick steps and prints three significant digits', () => {
    expect(niceTicks(0.93, 1.57, 6)).toEqual([1, 1.2, 1.4]);
    expect(niceTicks(0.93, 1.57, 8)).toEqual([1, 1.1, 1.2, 1.3, 1.4, 1.5]);
    expect(niceTicks(2, 2, 6)).toEqual([2]);
    expect([fmt(1.4249), fmt(0.000123456), fmt(12345.6), fmt(Number.NaN)]).toEqual(['1.42', '0.000123', '12346', '–']);
  });
});
