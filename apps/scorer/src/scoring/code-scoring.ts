import type { ResultData, ScoringEnd, ScoringInput } from '@app/db';
import { ScoringRejectionCode, type CodeSide, type IntegrityEvidence, type StoredCodeResult } from '@app/domain';
import type { CodeMetrics } from '../../../../sandboxes/code-runner/code-metrics';
import type { CodeLanguage, CodeRunLimits, CodeRunResult, CodeTest } from '../../../../sandboxes/code-runner/types';
import { median } from '../../../../sandboxes/onnx/statistics';
import type { SandboxTaskOf } from '../sandbox/sandbox-outcome';
import type { ScoringEnvironment } from './model-scoring';

/** The parts of an AI_FREE_SESSION spec and hidden material the scoring reads (libs/catalog). */
export interface CodeChallenge {
  entryPoint: string;
  limits: CodeRunLimits;
  tests: CodeTest[];
  /** The AI-written solution that runs beside the learner's (JavaScript). */
  aiSolution: string;
}

/** Timed runs of each side for the comparison, alternating learner and AI solution. */
export const COMPARISON_RUNS = 5;

/** Outcomes after which the code is not timed again: it did not finish its tests within the limits. */
const UNTIMED_OUTCOMES = new Set(['TIME_LIMIT', 'MEMORY_LIMIT', 'SKIPPED']);

/** The hidden tests, limits and AI-written solution of an AI-free challenge version. */
export function codeChallengeOf(input: ScoringInput): CodeChallenge {
  const hidden = input.challenge.hidden as {
    spec?: { kind?: string; entryPoint?: string; limits?: CodeRunLimits };
    tests?: CodeTest[];
    aiSolution?: string;
  };
  const spec = hidden.spec;
  if (spec?.kind !== 'AI_FREE_SESSION' || !spec.entryPoint || !spec.limits || !hidden.tests || hidden.aiSolution === undefined) {
    throw new Error(`challenge ${input.challenge.slug} v${input.challenge.version} has no hidden tests or AI-written solution`);
  }
  return { entryPoint: spec.entryPoint, limits: spec.limits, tests: hidden.tests, aiSolution: hidden.aiSolution };
}

export function hiddenTestsTask(challenge: CodeChallenge, code: string, language: CodeLanguage): SandboxTaskOf<'code.hidden-tests'> {
  return { kind: 'code.hidden-tests', code, language, entryPoint: challenge.entryPoint, tests: challenge.tests, limits: challenge.limits };
}

export function codeMetricsTask(code: string, language: CodeLanguage): SandboxTaskOf<'code.metrics'> {
  return { kind: 'code.metrics', code, language };
}

/** Whether a run's time means anything: every test finished (passed or not) within its limits. */
export function finishedInTime(run: CodeRunResult): boolean {
  return run.learner.compileError === null && !run.learner.tests.some((test) => UNTIMED_OUTCOMES.has(test.outcome));
}

/** One column of the comparison: the first run's tests, the timed runs' median, the parser's metrics. */
export function codeSide(first: CodeRunResult, timedRuns: readonly CodeRunResult[], metrics: CodeMetrics): CodeSide {
  return {
    testsPassed: first.learner.passed,
    testsTotal: first.learner.total,
    medianRunMs: timedRuns.length > 0 ? median(timedRuns.map((run) => run.mentor.testMs)) : null,
    runs: timedRuns.length,
    ...(metrics.notMeasured === null
      ? { lines: metrics.lines, cyclomaticComplexity: metrics.cyclomaticComplexity, functions: metrics.functions }
      : { lines: null, cyclomaticComplexity: null, functions: null }),
    metricsNotMeasured: metrics.notMeasured,
  };
}

export interface CodeMeasurements {
  /** The learner's first run: the one the verdict is taken from. */
  learnerRun: CodeRunResult;
  learner: CodeSide;
  ai: CodeSide;
  integrity: IntegrityEvidence;
}

/**
 * The end of an AI-free scoring. PASSED with the challenge's points when every hidden test passes,
 * FAILED with 0 otherwise; integrity flags never change the verdict (DESIGN.md §4): they are
 * evidence for the learner's mentors, kept in `integrity`. Code that does not compile is REJECTED
 * with the compiler's message (derived from the learner's code only), its evidence kept.
 */
export function endFromCodeRuns(points: number, measured: CodeMeasurements, environment: ScoringEnvironment): ScoringEnd {
  const { learnerRun } = measured;
  const stored: StoredCodeResult = {
    tests: learnerRun.learner,
    comparison: { learner: measured.learner, ai: measured.ai },
    integrity: measured.integrity,
  };
  // The mentor view may reveal hidden inputs: stored for mentors, never served to the learner.
  const metrics = { ...stored, mentorTests: learnerRun.mentor };
  const passedAll = learnerRun.learner.compileError === null && learnerRun.learner.passed === learnerRun.learner.total;
  const result: ResultData = {
    verdict: passedAll ? 'PASSED' : 'FAILED',
    points: passedAll ? points : 0,
    metrics,
    flags: [],
    environment: { ...environment },
  };
  if (learnerRun.learner.compileError !== null) {
    return {
      status: 'REJECTED',
      rejection: { code: ScoringRejectionCode.CompileError, message: learnerRun.learner.compileError },
      result,
    };
  }
  return { status: 'SCORED', rejection: null, result };
}
