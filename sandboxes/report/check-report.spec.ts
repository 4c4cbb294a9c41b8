import { checkReport } from './check-report';
import { evidenceFactory, goodReport, GOOD_REPORT, repeatedTo, reportTask } from './report.factory';
import { MAX_LISTED_CLAIMS, type ReportCheckResult, type ReportCheckTask } from './types';

function checked(task: ReportCheckTask): Extract<ReportCheckResult, { ok: true }> {
  const result = checkReport(task);
  if (!result.ok) throw new Error(`expected a checked report, got ${result.code}: ${result.message}`);
  return result;
}

const claimsOf = (markdown: string, overrides: Parameters<typeof reportTask>[1] = {}) => checked(reportTask(markdown, overrides)).claims;

describe('checkReport: sections and structure', () => {
  it('passes a good report whose sections all go by synonyms: nothing missing, no flag, every check passed', () => {
    const result = checked(reportTask(goodReport()));
    expect(result.missingSections).toEqual([]);
    expect(result.flags).toEqual([]);
    expect(result.overclaims).toBe(0);
    expect(result.sections.map((section) => [section.required, section.heading])).toEqual([
      ['Environment and prerequisites', 'Setup'],
      ['Method', 'Approach'],
      ['Results', 'Measurements'],
      ['Limitations', 'Caveats'],
      ['Reproduction', 'How to reproduce'],
      ['What failed and what I learned', 'Lessons learned'],
    ]);
    expect(result.checks.filter((check) => !check.passed)).toEqual([]);
    expect(result.checks.find((check) => check.name === 'RESULTS_TABLE')).toMatchObject({ passed: true });
    expect(result.checks.find((check) => check.name === 'REPRODUCTION_COMMANDS')).toMatchObject({ passed: true });
    expect(result.claims.length).toBeGreaterThan(5);
    expect(result.claims.every((claim) => claim.verdict === 'CONSISTENT')).toBe(true);
    expect(result.bytes).toBe(Buffer.byteLength(goodReport()));
  });

  it('lists exactly the two missing sections, in the order required, each with a failed check that says what to add', () => {
    const result = checked(reportTask(goodReport({ environment: '', failures: '' })));
    expect(result.missingSections).toEqual(['Environment and prerequisites', 'What failed and what I learned']);
    const failed = result.checks.filter((check) => !check.passed);
    expect(failed.map((check) => [check.name, check.subject])).toEqual([
      ['SECTION_PRESENT', 'Environment and prerequisites'],
      ['SECTION_PRESENT', 'What failed and what I learned'],
    ]);
    expect(failed[0].explanation).toBe(
      'The report has no "Environment and prerequisites" section: add a heading such as "## Environment and prerequisites" (also accepted: Environment, Setup, Prerequisites, Hardware and software).',
    );
    expect(result.sections[0]).toEqual({ required: 'Environment and prerequisites', heading: null, line: null, anchor: null });
  });

  it('matches headings of any depth, ignoring case, punctuation and a section number', () => {
    const markdown = '# Report\n\n#### 3. RESULTS:\n\n| a |\n|---|\n| 1 |\n\n###### what didn’t work?\n\n## Threats to Validity\n';
    const result = checked(reportTask(markdown, { requiredSections: ['Results', 'What failed and what I learned', 'Limitations'] }));
    expect(result.sections.map((section) => [section.heading, section.line])).toEqual([
      ['3. RESULTS:', 3],
      ['what didn’t work?', 9],
      ['Threats to Validity', 11],
    ]);
    expect(result.checks.find((check) => check.name === 'RESULTS_TABLE')).toMatchObject({ passed: true, line: 5 });
  });

  it('prefers a heading that is exactly a section name over one that only contains it, and matches an unknown required name only to itself', () => {
    const markdown = '## Results of the failed attempt\n\n## Results\n\n## Ablation study\n\n## Ablation\n';
    const result = checked(reportTask(markdown, { requiredSections: ['Results', 'Ablation', 'Energy use'] }));
    expect(result.sections.map((section) => section.line)).toEqual([3, 7, null]);
    expect(result.missingSections).toEqual(['Energy use']);
  });

  it('lets a required name from the synonym table stand for its whole section', () => {
    const result = checked(reportTask('## Environment\n\n## Benchmarks\n', { requiredSections: ['Setup', 'Findings'] }));
    expect(result.sections.map((section) => section.heading)).toEqual(['Environment', 'Benchmarks']);
  });

  it('gives headings GitHub-style anchors, unique with -1, -2 suffixes', () => {
    const markdown = '# Results\n\n## Results\n\n### Results!\n\n## Results-1\n\n## `p50` & *p90* (ms)\n\n## Ünïcode Straße\n';
    const result = checked(reportTask(markdown));
    expect(result.headings.map((heading) => [heading.depth, heading.text, heading.line, heading.anchor])).toEqual([
      [1, 'Results', 1, 'results'],
      [2, 'Results', 3, 'results-1'],
      [3, 'Results!', 5, 'results-2'],
      [2, 'Results-1', 7, 'results-1-1'],
      [2, 'p50 & p90 (ms)', 9, 'p50--p90-ms'],
      [2, 'Ünïcode Straße', 11, 'ünïcode-straße'],
    ]);
  });

  it('fails RESULTS_TABLE when the results section has no table, even if another section has one', () => {
    const markdown = goodReport({
      results: '## Results\n\nIt got faster: 1.55×.\n\n### Raw numbers\n\nSee the appendix.\n',
      limitations: '## Limitations\n\n| a | b |\n|---|---|\n| 1 | 2 |\n',
    });
    const check = checked(reportTask(markdown)).checks.find((item) => item.name === 'RESULTS_TABLE');
    expect(check).toMatchObject({ passed: false });
    expect(check?.explanation).toMatch(/^The "Results" section \(line \d+\) has no table/);
  });

  it('counts a table in a subsection of the results, and inline commands in the reproduction section', () => {
    const markdown = goodReport({
      results: '## Results\n\n### Latency\n\n| metric | value |\n|---|---|\n| p50 | 7.9 ms |\n',
      reproduction: '## Reproduction\n\nRun `python bench.py --rounds 30` from the repository root.\n',
    });
    const result = checked(reportTask(markdown));
    expect(result.checks.find((check) => check.name === 'RESULTS_TABLE')).toMatchObject({ passed: true });
    expect(result.checks.find((check) => check.name === 'REPRODUCTION_COMMANDS')).toMatchObject({
      passed: true,
      explanation: expect.stringContaining('inline (`python bench.py --rounds 30`)'),
    });
  });

  it('fails REPRODUCTION_COMMANDS when the section has only prose or a lone file name in inline code', () => {
    const markdown = goodReport({ reproduction: '## Reproduction\n\nRun the benchmark script on `model.onnx` as described above.\n' });
    const check = checked(reportTask(markdown)).checks.find((item) => item.name === 'REPRODUCTION_COMMANDS');
    expect(check).toMatchObject({ passed: false });
    expect(check?.explanation).toContain('give the exact commands in a fenced code block');
  });
});

describe('checkReport: claims', () => {
  it('flags a speedup of 2.4× against a 95% interval of 1.52–1.61×, quoting both numbers', () => {
    const markdown = goodReport({ method: `${GOOD_REPORT.method}\nThe result: inference is now 2.4× faster than the baseline.\n` });
    const result = checked(reportTask(markdown));
    const claim = result.claims.find((item) => item.value === 2.4);
    expect(claim).toEqual({
      kind: 'speedup',
      text: '2.4× faster',
      value: 2.4,
      unit: '×',
      line: 12,
      source: 'prose',
      measured: '95% interval 1.52–1.61× (median 1.55×)',
      verdict: 'EXCEEDS',
    });
    const check = result.checks.find((item) => item.subject === '2.4× faster');
    expect(check).toMatchObject({ name: 'CLAIM_SPEEDUP', passed: false, line: 12 });
    expect(check?.explanation).toBe(
      'Line 12 claims a speedup of 2.4×, but the measured 95% interval 1.52–1.61× (median 1.55×) does not support it: with the 5% tolerance at most 1.691× can be claimed.',
    );
    expect(result.flags).toEqual(['CLAIM_EXCEEDS_MEASUREMENT']);
    expect(result.overclaims).toBe(1);
  });

  it('accepts a speedup up to the interval high plus the tolerance, and anything below it', () => {
    const verdicts = claimsOf('It ran 1.69x faster. Then 1.7x faster. Then 1.2x.').map((claim) => [claim.value, claim.verdict]);
    expect(verdicts).toEqual([
      [1.69, 'CONSISTENT'],
      [1.7, 'EXCEEDS'],
      [1.2, 'CONSISTENT'],
    ]);
  });

  it('ignores numbers in fenced code, indented code and inline code: commands are not claims', () => {
    const markdown = [
      'Set `--speedup 9x` and `12 ms` budget.',
      '',
      '```bash',
      'python bench.py --expect 5x --latency 1 ms',
      '```',
      '',
      '    echo "3x faster, 1 ms latency"',
      '',
      '<!-- I hoped for 4x faster -->',
    ].join('\n');
    expect(claimsOf(markdown)).toEqual([]);
  });

  it('finds a claim in a table cell, with the line of its row and the row as context', () => {
    const markdown =
      '## Results\n\n| metric | baseline | candidate |\n| --- | --- | --- |\n| speedup | 1× | 2.4× |\n| top-1 | 99.9% | 99.8% |\n';
    const claims = claimsOf(markdown);
    expect(claims.map((claim) => [claim.kind, claim.text, claim.line, claim.source, claim.verdict])).toEqual([
      ['speedup', '1×', 5, 'table', 'CONSISTENT'],
      ['speedup', '2.4×', 5, 'table', 'EXCEEDS'],
      ['accuracy', '99.9%', 6, 'table', 'EXCEEDS'],
      ['accuracy', '99.8%', 6, 'table', 'EXCEEDS'],
    ]);
  });

  it('reads bare numbers in a table from the unit in the column header', () => {
    const markdown = '| model | p50 latency (ms) | peak memory [MiB] | speedup |\n|---|---|---|---|\n| candidate | 5.1 | 300 | 2.5 |\n';
    expect(claimsOf(markdown).map((claim) => [claim.kind, claim.value, claim.unit, claim.verdict])).toEqual([
      ['latency', 5.1, 'ms', 'EXCEEDS'],
      ['memory', 300, 'MiB', 'EXCEEDS'],
      ['speedup', 2.5, '×', 'EXCEEDS'],
    ]);
  });

  it('accepts a quoted baseline latency as CONSISTENT, and flags a latency better than anything measured', () => {
    const claims = claimsOf('The baseline latency was 12.3 ms (p90 14.1 ms). Our p50 latency is now 5 ms.');
    expect(claims.map((claim) => [claim.value, claim.verdict])).toEqual([
      [12.3, 'CONSISTENT'],
      [14.1, 'CONSISTENT'],
      [5, 'EXCEEDS'],
    ]);
    const result = checked(reportTask('The baseline latency was 12.3 ms. Our p50 latency is now 5 ms.'));
    expect(result.checks.find((check) => check.subject === '12.3 ms')?.explanation).toBe(
      'Line 1 claims a latency of 12.3 ms, which matches the measured baseline p50 of 12.3 ms.',
    );
    expect(result.checks.find((check) => check.subject === '5 ms')?.explanation).toBe(
      'Line 1 claims a latency of 5 ms, faster than anything measured (candidate p50 7.9 ms, p90 9.2 ms; baseline p50 12.3 ms, p90 14.1 ms): with the 5% tolerance no latency below 7.505 ms can be claimed.',
    );
  });

  it('reads latencies in ms, s, µs and us, and only where the text is about latency or time', () => {
    const claims = claimsOf(
      'Median latency: 8 ms, or 0.008 s, or 8000 µs, or 8000 us. The download took a while; it is 5 s long.\n\nWe waited 5 s.',
    );
    expect(claims.map((claim) => [claim.value, claim.unit])).toEqual([
      [8, 'ms'],
      [0.008, 's'],
      [8000, 'µs'],
      [8000, 'µs'],
      [5, 's'],
    ]);
    expect(claims.every((claim) => claim.verdict === 'CONSISTENT')).toBe(true);
  });

  it('reads memory in decimal and binary units (MB = 10^6, MiB = 2^20) and accepts MB meant as MiB', () => {
    const claims = claimsOf(
      'Peak memory: 410 MiB. Peak memory: 430 MB. Peak memory: 0.4 GB. Peak memory: 300 MiB. Peak memory: 419840 KiB. The file is 45 MB.',
    );
    expect(claims.map((claim) => [claim.text, claim.verdict])).toEqual([
      ['410 MiB', 'CONSISTENT'],
      ['430 MB', 'CONSISTENT'],
      ['0.4 GB', 'CONSISTENT'],
      ['300 MiB', 'EXCEEDS'],
      ['419840 KiB', 'CONSISTENT'],
    ]);
  });

  it('judges accuracy by the error rate: at most the tolerance below the measured one', () => {
    // Measured 99.1% (error 0.9%); 5% of 0.9% is 0.045 points: up to 99.145% holds.
    const claims = claimsOf('Top-1 accuracy 99.1%. Agreement: 99.14%. Top-1 agreement of 99.2%. Throughput rose by 30%.');
    expect(claims.map((claim) => [claim.value, claim.verdict])).toEqual([
      [99.1, 'CONSISTENT'],
      [99.14, 'CONSISTENT'],
      [99.2, 'EXCEEDS'],
    ]);
  });

  it('recognises the written forms of a speedup and leaves hardware counts, sizes and dimensions alone', () => {
    const markdown = [
      '1.8× faster. 1.8x faster. 1.8X. A speedup of 1.8. Speed-up: 1.8. 1.8 times faster. ×1.8 overall. 1.8-fold speedup.',
      'On 8x A100 GPUs with 224x224 inputs on x86, the model is 2× smaller and 4x cheaper; v1.8x and 3x3 convolutions.',
    ].join('\n');
    expect(claimsOf(markdown).map((claim) => claim.text)).toEqual([
      '1.8× faster',
      '1.8x faster',
      '1.8X',
      'speedup of 1.8',
      'Speed-up: 1.8',
      '1.8 times faster',
      '×1.8',
      '1.8-fold speedup',
    ]);
  });

  it('marks a claim UNVERIFIABLE when the result has no such measurement, without failing or flagging it', () => {
    const evidence = evidenceFactory({ kind: 'AI_FREE_SESSION', speedup: null, latencyMs: null, peakMemoryBytes: null, accuracy: 0.75 });
    const result = checked(reportTask('My solution is 3x faster, with 10 ms latency. 75% of the tests passed.', { evidence }));
    expect(result.claims.map((claim) => [claim.kind, claim.verdict, claim.measured])).toEqual([
      ['speedup', 'UNVERIFIABLE', null],
      ['latency', 'UNVERIFIABLE', null],
      ['accuracy', 'CONSISTENT', '75%'],
    ]);
    expect(result.checks.find((check) => check.name === 'CLAIM_SPEEDUP')).toEqual({
      name: 'CLAIM_SPEEDUP',
      subject: '3x faster',
      passed: true,
      explanation: 'Line 1 claims a speedup of 3×, but this result has no speedup measurement to compare it with, so it cannot be checked.',
      line: 1,
    });
    expect(result.flags).toEqual([]);
  });

  it('gives each claim the line it is on, in paragraphs that span lines, lists and block quotes', () => {
    const markdown = 'First line\nsecond line says 2.4x faster.\n\n- item\n- item with 7.9 ms latency\n\n> quoted: peak memory 410 MiB\n';
    expect(claimsOf(markdown).map((claim) => [claim.text, claim.line])).toEqual([
      ['2.4x faster', 2],
      ['7.9 ms', 5],
      ['410 MiB', 7],
    ]);
  });

  it(`lists at most ${MAX_LISTED_CLAIMS} claims but judges and counts every one`, () => {
    const markdown = Array.from({ length: MAX_LISTED_CLAIMS + 100 }, (_, i) => `Run ${i}: ${i % 2 === 0 ? '1.5' : '3.5'}x faster.`).join(
      '\n\n',
    );
    const result = checked(reportTask(markdown));
    expect(result.claims).toHaveLength(MAX_LISTED_CLAIMS);
    expect(result.claimsOmitted).toBe(100);
    expect(result.overclaims).toBe((MAX_LISTED_CLAIMS + 100) / 2);
    expect(result.checks.filter((check) => check.name === 'CLAIM_SPEEDUP')).toHaveLength(MAX_LISTED_CLAIMS);
  });
});

describe('checkReport: refusals', () => {
  it('refuses a 300 KB report as REPORT_TOO_LARGE before parsing it (even one that would take minutes to parse)', () => {
    const startedAt = performance.now();
    const result = checkReport(reportTask(repeatedTo('> ', 300_000)));
    expect(result).toEqual({
      ok: false,
      code: 'REPORT_TOO_LARGE',
      message:
        'The report is more than 200 KiB of UTF-8 text; at most 200 KiB (204,800 bytes) is accepted. Shorten it: long logs and raw outputs belong in the source archive, not the report.',
    });
    expect(performance.now() - startedAt).toBeLessThan(2_000);
  });

  it('counts the size in UTF-8 bytes, not characters', () => {
    // "€" is one UTF-16 unit and three UTF-8 bytes.
    expect(checkReport(reportTask(`# ${'€'.repeat(10)}`, { maxReportBytes: 32 }))).toMatchObject({ ok: true, bytes: 32 });
    expect(checkReport(reportTask(`# ${'€'.repeat(11)}`, { maxReportBytes: 32 }))).toMatchObject({
      ok: false,
      code: 'REPORT_TOO_LARGE',
      message: expect.stringContaining('The report is 0 KiB (35 bytes) of UTF-8 text; at most 0 KiB (32 bytes)'),
    });
    const large = checkReport(reportTask('€'.repeat(70_000)));
    expect(large).toMatchObject({
      ok: false,
      code: 'REPORT_TOO_LARGE',
      message: expect.stringContaining('The report is 205.1 KiB (210,000 bytes)'),
    });
  });

  it('refuses a report of only whitespace as REPORT_EMPTY', () => {
    for (const markdown of ['', '   ', '\n\n\t\r\n', '\u00a0\u2003\ufeff']) {
      expect(checkReport(reportTask(markdown))).toEqual({
        ok: false,
        code: 'REPORT_EMPTY',
        message: 'The report is empty: write it in Markdown, with the required sections, and submit again.',
      });
    }
  });

  it('throws INVALID_TASK for a task the platform built wrong', () => {
    expect(() => checkReport(reportTask('# a', { claimTolerance: -1 }))).toThrow('INVALID_TASK: claimTolerance must be in [0, 1)');
    expect(() => checkReport(reportTask('# a', { maxReportBytes: 0 }))).toThrow('INVALID_TASK: maxReportBytes');
    expect(() => checkReport(reportTask('# a', { requiredSections: ['!!!'] }))).toThrow('INVALID_TASK: requiredSections');
    expect(() => checkReport(reportTask('# a', { evidence: evidenceFactory({ speedup: { median: 1, low: 2, high: 3 } }) }))).toThrow(
      'INVALID_TASK: evidence.speedup must satisfy low ≤ median ≤ high',
    );
  });
});
