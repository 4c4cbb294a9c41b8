import { TimingFactory } from '@app/testing';
import { escapeXml, fmt, niceTicks, renderBenchmarkReport, REPORT_MAX_POINTS, type BenchmarkReportInput } from './benchmark-report';

const ENTITY = /^&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/;

/**
 * A small well-formedness check (XML 1.0, the subset an SVG picture needs): one root, every tag
 * closed in order, attributes quoted, and `<` or `&` in text or attribute values only as markup
 * or entities. @returns the element names in document order.
 */
function parseXml(xml: string): string[] {
  let rest = xml.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, '');
  const stack: string[] = [];
  const elements: string[] = [];
  let roots = 0;
  const checkText = (text: string) => {
    for (let i = text.indexOf('&'); i !== -1; i = text.indexOf('&', i + 1)) {
      if (!ENTITY.test(text.slice(i))) throw new Error(`bare & in ${JSON.stringify(text.slice(i, i + 20))}`);
    }
  };
  while (rest.length > 0) {
    const open = rest.indexOf('<');
    if (open === -1) {
      if (rest.trim() !== '') throw new Error('text after the root element');
      break;
    }
    const text = rest.slice(0, open);
    if (stack.length === 0 && text.trim() !== '') throw new Error('text outside the root element');
    checkText(text);
    const close = rest.indexOf('>', open);
    if (close === -1) throw new Error('unclosed tag');
    const tag = rest.slice(open + 1, close);
    rest = rest.slice(close + 1);
    if (tag.startsWith('/')) {
      const name = tag.slice(1);
      if (stack.pop() !== name) throw new Error(`</${name}> closes nothing open`);
      continue;
    }
    const match = /^([A-Za-z][\w:-]*)((?:\s+[A-Za-z][\w:-]*="[^"<]*")*)\s*(\/?)$/.exec(tag);
    if (!match) throw new Error(`malformed tag <${tag}>`);
    const [, name, attributes, selfClosing] = match as unknown as [string, string, string, string];
    const names = [...attributes.matchAll(/([A-Za-z][\w:-]*)="([^"]*)"/g)].map(([, attribute, value]) => {
      checkText(value!);
      return attribute!;
    });
    if (new Set(names).size !== names.length) throw new Error(`repeated attribute in <${name}>`);
    if (stack.length === 0 && ++roots > 1) throw new Error('more than one root element');
    elements.push(name);
    if (!selfClosing) stack.push(name);
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.at(-1)}>`);
  return elements;
}

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
    const elements = parseXml(svg);
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
    parseXml(svg);
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('<svg onload');
    expect(svg).toContain('&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(svg).toContain('&quot;&gt;&lt;svg onload=&quot;alert(1)&quot;&gt; &amp; \uFFFD \uFFFD');
  });

  it('draws a sample of a very long run, and says so', () => {
    const svg = renderBenchmarkReport(report({ timing: TimingFactory.build({ roundCount: 10_000 }) }));
    parseXml(svg);
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
    parseXml(svg);
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
