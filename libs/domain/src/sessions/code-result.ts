import type { IntegrityEvidence } from './integrity-evidence';

/*
 * What the scorer stores in Result.metrics for an AI_FREE_SESSION submission, and what the API
 * reads back. `tests` may be shown to the learner (sandboxes/code-runner's learner view); the
 * mentor view with hidden arguments, outputs and errors is stored as `mentorTests` and is never
 * served to learners.
 */

export interface StoredTestCase {
  name: string;
  passed: boolean;
  /** PASSED, WRONG_ANSWER, TIME_LIMIT, MEMORY_LIMIT, RUNTIME_ERROR, OUTPUT_LIMIT or SKIPPED. */
  outcome: string;
  ms: number;
  errorKind: string | null;
}

export interface StoredTestReport {
  compileError: string | null;
  passed: number;
  total: number;
  tests: StoredTestCase[];
}

/** One column of the side-by-side comparison. */
export interface CodeSide {
  testsPassed: number;
  testsTotal: number;
  /**
   * Median over `runs` repeated runs of the time the code spent in the tests (all of them), each run
   * alone on the sandbox host and alternating with the other side's. Null when not measured: code
   * that ran out of time or memory is not timed again.
   */
  medianRunMs: number | null;
  runs: number;
  /** Lines with code (sandboxes/code-runner's code metrics, from the TypeScript parser); null when not measured. */
  lines: number | null;
  cyclomaticComplexity: number | null;
  functions: number | null;
  /** Why the code metrics are missing (TOO_LARGE, TOO_DEEP), or null. */
  metricsNotMeasured: string | null;
}

export interface CodeComparison {
  learner: CodeSide;
  ai: CodeSide;
}

export interface StoredCodeResult {
  tests: StoredTestReport;
  comparison: CodeComparison;
  integrity: IntegrityEvidence;
}

/** The AI-free parts of a stored result's metrics, or null for results of other kinds. */
export function storedCodeResultOf(metrics: Record<string, unknown>): Partial<StoredCodeResult> | null {
  if (!metrics.tests && !metrics.comparison && !metrics.integrity) return null;
  return {
    tests: metrics.tests as StoredTestReport | undefined,
    comparison: metrics.comparison as CodeComparison | undefined,
    integrity: metrics.integrity as IntegrityEvidence | undefined,
  };
}
