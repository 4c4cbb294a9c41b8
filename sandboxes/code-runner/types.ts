/**
 * The contract of the code-runner sandbox: a task in, a plain result out (both survive a
 * structured clone, so the task and the result can cross the Piscina / sandbox-host boundary).
 *
 * The types are declared here rather than imported from `@app/catalog` so that the sandbox stays
 * self-contained; `CodeTest` is structurally the catalog's parsed `HiddenTest` (the catalog's spec
 * passes `HiddenTest[]` straight in, which keeps the two in step at compile time).
 */

export type CodeLanguage = 'javascript' | 'typescript';

/** How a result is compared with the expected value. */
export type CompareMode = { mode: 'exact' } | { mode: 'approx'; tolerance: number };

export interface CodeTest {
  /** Describes the case, never the data: the learner sees it. */
  name: string;
  /** Arguments of the entry point, as JSON values (each test gets a fresh copy). */
  args: unknown[];
  /** The expected result, a JSON value. */
  expected?: unknown;
  compare: CompareMode;
}

export interface CodeRunLimits {
  /**
   * Heap per test. Enforced as the maximum of the WASM linear memory (16 MiB engine base +
   * memoryBytes; an allocation fails up to ~5% below it), because QuickJS's own limit cannot see
   * allocation sizes in this build. QuickJS's limit is set too and refuses any single allocation
   * above memoryBytes at once. At most MAX_MEMORY_BYTES (run-hidden-tests.ts).
   */
  memoryBytes: number;
  /**
   * QuickJS stack limit per test (runtime.setMaxStackSize). QuickJS measures the WASM shadow stack;
   * the host thread's own stack must be ≈ 4× larger for this limit to be the one that trips (a
   * Piscina worker's default 4 MiB suits the default 1 MiB). When the host stack overflows first
   * the test is still a RUNTIME_ERROR (STACK_OVERFLOW) and the WASM instance is replaced.
   * At most MAX_STACK_BYTES (QuickJS's WASM stack is 5 MiB).
   */
  stackBytes: number;
  /** Wall-clock deadline per test, from loading the learner's module to the serialised result. */
  timeMsPerTest: number;
  /** Console output kept per test; writing more is OUTPUT_LIMIT. */
  outputBytes: number;
  /**
   * Optional budget of VM steps (function calls + loop back-edges) per test. Unlike the deadline
   * it does not depend on the machine's load, so a verdict cannot flip on a busy host.
   * Counted in quanta of {@link VM_STEPS_PER_POLL}.
   */
  vmStepsPerTest?: number;
}

export interface CodeRunTask {
  code: string;
  language: CodeLanguage;
  /** Name of the function the tests call; a top-level binding of the learner's module. */
  entryPoint: string;
  tests: readonly CodeTest[];
  limits: CodeRunLimits;
}

export const TEST_OUTCOMES = [
  'PASSED',
  /** The result differs from the expected value (`mismatch` says where, for mentors). */
  'WRONG_ANSWER',
  /** Past `timeMsPerTest` or `vmStepsPerTest`. */
  'TIME_LIMIT',
  /** Ran out of `memoryBytes`. */
  'MEMORY_LIMIT',
  /** Did not produce a result; `errorKind` says why. */
  'RUNTIME_ERROR',
  /** Wrote more than `outputBytes` to the console. */
  'OUTPUT_LIMIT',
  /**
   * Not run: earlier tests of the same run already ended in TIME_LIMIT or MEMORY_LIMIT
   * MAX_RESOURCE_FAILURES times (run-hidden-tests.ts). Not passed; ms 0, errorKind null.
   */
  'SKIPPED',
] as const;
export type TestOutcome = (typeof TEST_OUTCOMES)[number];

/**
 * Why a test is a RUNTIME_ERROR. A fixed vocabulary chosen by the runner, never text from the
 * learner's code, so it is safe to show the learner.
 */
export const RUNTIME_ERROR_KINDS = [
  /** The code does not parse (or, for TypeScript, does not transpile). Same for every test. */
  'COMPILE_ERROR',
  /** Top-level code threw, imported a module, or its top-level await never settled. */
  'MODULE_INIT_FAILED',
  /** No top-level function with the entry point's name. */
  'ENTRY_POINT_MISSING',
  /** The entry point threw (or its promise rejected). */
  'THROWN',
  /** Recursion deeper than the stack limit (QuickJS's or the host thread's). */
  'STACK_OVERFLOW',
  /** The returned value cannot be written as JSON (BigInt, cycle, a throwing toJSON). */
  'RESULT_NOT_JSON',
  /** The WASM instance failed in a way QuickJS does not report (it is replaced). */
  'SANDBOX_FAULT',
] as const;
export type RuntimeErrorKind = (typeof RUNTIME_ERROR_KINDS)[number];

/**
 * What the learner may see about one hidden test. Built only from the runner's own vocabulary
 * and measurements: no argument, no expected value, no console output, no error text (all of
 * which the learner's code can fill with the hidden inputs).
 */
export interface LearnerTestResult {
  name: string;
  passed: boolean;
  outcome: TestOutcome;
  /** Wall-clock time inside the VM: loading the module, the call, serialising the result. */
  ms: number;
  /** Set when outcome is RUNTIME_ERROR. */
  errorKind: RuntimeErrorKind | null;
}

/**
 * Everything about one test, for mentors and the platform. May reveal hidden test data: the
 * learner's code can print its arguments, put them in an exception, and `mismatch` shows the
 * expected value. Never send it to the learner for a hidden test (for a public example, whose
 * inputs the learner already has, it may be shown).
 */
export interface MentorTestResult extends LearnerTestResult {
  /** Captured console output, at most `limits.outputBytes` bytes of UTF-8. */
  output: string;
  /** True when the code wrote more than `limits.outputBytes` (the test is then OUTPUT_LIMIT). */
  outputTruncated: boolean;
  /** The error and its stack (positions in the learner's own source, TypeScript included). */
  error: string | null;
  /** For WRONG_ANSWER: where and how the result differs, e.g. `at [2]: expected 3, got 4`. */
  mismatch: string | null;
  /** VM steps used (function calls + loop back-edges), a multiple of {@link VM_STEPS_PER_POLL}. */
  vmSteps: number;
}

export interface LearnerRunView {
  /** Safe: derived from the learner's code alone, before any hidden input exists. */
  compileError: string | null;
  passed: number;
  total: number;
  tests: LearnerTestResult[];
}

export interface MentorRunView {
  compileError: string | null;
  passed: number;
  total: number;
  tests: MentorTestResult[];
  /** Wall-clock time of the whole run on the host, platform overhead included. */
  totalMs: number;
  /** Sum of the tests' `ms`: the learner's code only (for side-by-side comparison). */
  testMs: number;
  /** Sum of the tests' `vmSteps`. */
  vmSteps: number;
}

export interface CodeRunResult {
  /** May be shown to the learner. */
  learner: LearnerRunView;
  /** Mentors and the platform only: may reveal hidden test inputs and expected values. */
  mentor: MentorRunView;
}

/** QuickJS calls its interrupt handler once per this many VM steps (JS_INTERRUPT_COUNTER_INIT). */
export const VM_STEPS_PER_POLL = 10_000;
