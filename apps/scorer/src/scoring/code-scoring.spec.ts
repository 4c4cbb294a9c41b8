import { integrityEvidence } from '@app/domain';
import type { CodeMetrics } from '../../../../sandboxes/code-runner/code-metrics';
import type { CodeRunResult, TestOutcome } from '../../../../sandboxes/code-runner/types';
import { codeSide, endFromCodeRuns, finishedInTime, type CodeMeasurements } from './code-scoring';
import type { ScoringEnvironment } from './model-scoring';

const environment: ScoringEnvironment = {
  scorerId: 's',
  host: 'h',
  scorerVersion: '0.1.0',
  deviceClass: 'cpu',
  executionProvider: 'quickjs-wasm',
  ortVersion: '1.30.0',
  cpuModel: 'cpu',
  gpuModel: null,
  intraOpNumThreads: null,
};

/** A run whose tests ended with `outcomes`; `testMs` is the learner code's total time. */
function run(outcomes: TestOutcome[], testMs = 10, compileError: string | null = null): CodeRunResult {
  const tests = outcomes.map((outcome, index) => ({
    name: `case ${index}`,
    passed: outcome === 'PASSED',
    outcome,
    ms: testMs / outcomes.length,
    errorKind: compileError ? ('COMPILE_ERROR' as const) : null,
  }));
  const passed = tests.filter((test) => test.passed).length;
  return {
    learner: { compileError, passed, total: tests.length, tests },
    mentor: {
      compileError,
      passed,
      total: tests.length,
      tests: tests.map((test) => ({
        ...test,
        output: 'hidden input [1,2,3]',
        outputTruncated: false,
        error: null,
        mismatch: null,
        vmSteps: 0,
      })),
      totalMs: testMs + 5,
      testMs,
      vmSteps: 0,
    },
  };
}

const measured: CodeMetrics = { lines: 12, cyclomaticComplexity: 4, functions: 2, notMeasured: null };

function measurements(learnerRun: CodeRunResult, code = 'function f() {}'): CodeMeasurements {
  return {
    learnerRun,
    learner: codeSide(learnerRun, [learnerRun], measured),
    ai: codeSide(run(['PASSED', 'PASSED']), [run(['PASSED', 'PASSED'])], measured),
    integrity: integrityEvidence([{ seq: 0, receivedAt: 100, events: [{ kind: 'PASTE', at: 50, position: 0, text: code }] }], code),
  };
}

describe('AI-free scoring outcomes', () => {
  it('passes with the challenge points when every hidden test passes, whatever the integrity flags say', () => {
    const end = endFromCodeRuns(100, measurements(run(['PASSED', 'PASSED'])), environment);
    expect(end).toMatchObject({ status: 'SCORED', rejection: null, result: { verdict: 'PASSED', points: 100, flags: [] } });
    // The paste is evidence for mentors, stored with the result, never a verdict or a public flag.
    expect((end.result.metrics.integrity as { flags: string[] }).flags).toEqual(['EXTERNAL_PASTE']);
  });

  it('fails with 0 points when one hidden test does not pass', () => {
    const end = endFromCodeRuns(100, measurements(run(['PASSED', 'WRONG_ANSWER'])), environment);
    expect(end).toMatchObject({ status: 'SCORED', result: { verdict: 'FAILED', points: 0 } });
  });

  it('rejects code that does not compile with COMPILE_ERROR and keeps the evidence', () => {
    const end = endFromCodeRuns(100, measurements(run(['RUNTIME_ERROR', 'RUNTIME_ERROR'], 0, 'solution.ts:1:5 expected ;')), environment);
    expect(end).toMatchObject({
      status: 'REJECTED',
      rejection: { code: 'COMPILE_ERROR', message: 'solution.ts:1:5 expected ;' },
      result: { verdict: 'FAILED', points: 0 },
    });
    expect(end.result.metrics).toHaveProperty('integrity');
    expect(end.result.metrics).toHaveProperty('comparison');
  });

  it('keeps the mentor view (which may hold hidden inputs) apart from the learner view', () => {
    const { metrics } = endFromCodeRuns(100, measurements(run(['PASSED'])), environment).result;
    expect(JSON.stringify(metrics.tests)).not.toContain('hidden input');
    expect(JSON.stringify(metrics.mentorTests)).toContain('hidden input');
  });
});

describe('codeSide', () => {
  it('takes the median of the timed runs and the tests of the first run', () => {
    const side = codeSide(run(['PASSED', 'WRONG_ANSWER']), [run(['PASSED'], 30), run(['PASSED'], 10), run(['PASSED'], 20)], measured);
    expect(side).toEqual({
      testsPassed: 1,
      testsTotal: 2,
      medianRunMs: 20,
      runs: 3,
      lines: 12,
      cyclomaticComplexity: 4,
      functions: 2,
      metricsNotMeasured: null,
    });
  });

  it('has no run time without timed runs, and no metrics (rather than zeros) when the code could not be measured', () => {
    const side = codeSide(run(['TIME_LIMIT']), [], { lines: 0, cyclomaticComplexity: 0, functions: 0, notMeasured: 'TOO_DEEP' });
    expect(side).toMatchObject({
      medianRunMs: null,
      runs: 0,
      lines: null,
      cyclomaticComplexity: null,
      functions: null,
      metricsNotMeasured: 'TOO_DEEP',
    });
  });
});

describe('finishedInTime', () => {
  it('is true when every test ended within its limits, passed or not', () => {
    expect(finishedInTime(run(['PASSED', 'WRONG_ANSWER', 'RUNTIME_ERROR', 'OUTPUT_LIMIT']))).toBe(true);
  });

  it.each(['TIME_LIMIT', 'MEMORY_LIMIT', 'SKIPPED'] as const)('is false when a test ended %s', (outcome) => {
    expect(finishedInTime(run(['PASSED', outcome]))).toBe(false);
  });

  it('is false for code that did not compile', () => {
    expect(finishedInTime(run(['RUNTIME_ERROR'], 0, 'syntax error'))).toBe(false);
  });
});
