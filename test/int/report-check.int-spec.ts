import { SandboxHost, type SandboxOutcome } from '../../apps/scorer/src/sandbox/sandbox-host';
import { goodReport, GOOD_REPORT, repeatedTo, reportTask } from '../../sandboxes/report/report.factory';
import type { ReportCheckResult } from '../../sandboxes/report/types';

/**
 * The report checker through the real sandbox host: a child process started from dist/ (run after
 * `npm run build`), checkReport in its Piscina worker, where remark (ESM-only) is loaded with
 * require() by the compiled CommonJS. A hostile report is answered quickly and leaves the host as
 * it was.
 */
const HOST_TIMEOUT_MS = 30_000;
const SLACK_MS = 2_000;

function answered(outcome: SandboxOutcome<'report.check'>): ReportCheckResult {
  if (!outcome.ok) throw new Error(`expected an answer, got ${outcome.code}: ${outcome.message}`);
  return outcome.result;
}

describe('report check through the sandbox host', () => {
  const host = new SandboxHost({ threads: 1 });
  const check = (markdown: string) => host.run({ kind: 'report.check', ...reportTask(markdown) }, { timeoutMs: HOST_TIMEOUT_MS });

  beforeAll(() => host.start());
  afterAll(() => host.stop());

  it('checks an honest report: every section found through its synonym, a results table, commands, no flag', async () => {
    const result = answered(await check(goodReport()));
    expect(result).toMatchObject({ ok: true, missingSections: [], flags: [], overclaims: 0 });
    if (!result.ok) return;
    expect(result.sections.map((section) => section.anchor)).toEqual([
      'setup',
      'approach',
      'measurements',
      'caveats',
      'how-to-reproduce',
      'lessons-learned',
    ]);
    expect(result.checks.every((item) => item.passed)).toBe(true);
    expect(result.claims.some((claim) => claim.source === 'table')).toBe(true);
  });

  it('flags an overclaimed speedup with both numbers in the explanation', async () => {
    const markdown = goodReport({ results: GOOD_REPORT.results.replace('median **1.55×**', 'median **2.4×**') });
    const result = answered(await check(markdown));
    if (!result.ok) throw new Error(result.message);
    expect(result.flags).toEqual(['CLAIM_EXCEEDS_MEASUREMENT']);
    expect(result.claims.find((claim) => claim.value === 2.4)).toMatchObject({
      verdict: 'EXCEEDS',
      measured: '95% interval 1.52–1.61× (median 1.55×)',
    });
    expect(result.checks.find((item) => item.subject === '2.4×')?.explanation).toMatch(
      /claims a speedup of 2\.4×, but the measured 95% interval 1\.52–1\.61×/,
    );
  });

  it('answers hostile and oversized reports quickly with their codes, on the same host', async () => {
    const pid = host.pid;
    const restarts = host.restarts;
    for (const [markdown, code] of [
      [`${repeatedTo('> ', 200 * 1024 - 8)}x`, 'REPORT_TOO_COMPLEX'],
      [repeatedTo('*a_', 200 * 1024 - 8), 'REPORT_TOO_COMPLEX'],
      [repeatedTo('# Results\n', 300_000), 'REPORT_TOO_LARGE'],
      [' \n\t\n', 'REPORT_EMPTY'],
    ] as const) {
      const startedAt = performance.now();
      expect(answered(await check(markdown))).toMatchObject({ ok: false, code });
      expect(performance.now() - startedAt).toBeLessThan(SLACK_MS);
    }
    expect(answered(await check(goodReport()))).toMatchObject({ ok: true, flags: [] });
    expect(host.pid).toBe(pid);
    expect(host.restarts).toBe(restarts);
  });
});
