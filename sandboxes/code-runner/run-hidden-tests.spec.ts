import { runHiddenTests } from './run-hidden-tests';
import type { CodeRunLimits, CodeRunResult, CodeTest, MentorTestResult } from './types';

const LIMITS: CodeRunLimits = { memoryBytes: 64 * 1024 * 1024, stackBytes: 256 * 1024, timeMsPerTest: 1_000, outputBytes: 4 * 1024 };

function test_(name: string, args: unknown[], expected: unknown, compare: CodeTest['compare'] = { mode: 'exact' }): CodeTest {
  return { name, args, expected, compare };
}

const ADD_TESTS = [test_('small numbers', [1, 2], 3), test_('negative numbers', [-5, 2], -3)];

async function runJs(
  code: string,
  tests: CodeTest[] = ADD_TESTS,
  limits: Partial<CodeRunLimits> = {},
  entryPoint = 'add',
): Promise<CodeRunResult> {
  return runHiddenTests({ code, language: 'javascript', entryPoint, tests, limits: { ...LIMITS, ...limits } });
}

function only(result: CodeRunResult): MentorTestResult {
  const [first] = result.mentor.tests;
  if (first === undefined) throw new Error('no test result');
  return first;
}

describe('runHiddenTests', () => {
  it('passes correct code and reports time and VM steps per test', async () => {
    const result = await runJs('function add(a, b) { return a + b; }');
    expect(result.learner).toMatchObject({ compileError: null, passed: 2, total: 2 });
    expect(result.mentor.tests.map((test) => test.outcome)).toEqual(['PASSED', 'PASSED']);
    for (const test of result.mentor.tests) {
      expect(test.ms).toBeGreaterThanOrEqual(0);
      expect(test.vmSteps % 10_000).toBe(0);
    }
  });

  it('finds the entry point whether it is a function, a const arrow or an export', async () => {
    for (const code of ['const add = (a, b) => a + b;', 'export function add(a, b) { return a + b; }', 'let add; add = (a, b) => a + b;']) {
      const result = await runJs(code);
      expect(result.learner.passed).toBe(2);
    }
  });

  it('reports a wrong answer with expected-vs-got for mentors only', async () => {
    const result = await runJs('function add(a, b) { return a - b; }');
    const first = only(result);
    expect(first.outcome).toBe('WRONG_ANSWER');
    expect(first.mismatch).toBe('expected 3, got -1');
    expect(Object.keys(result.learner.tests[0] ?? {}).sort()).toEqual(['errorKind', 'ms', 'name', 'outcome', 'passed']);
  });

  it('keeps hidden inputs out of the learner view even when the code prints or throws them', async () => {
    const secret = 'hidden-input-4242';
    const result = await runJs('function add(a, b) { console.log("leak", a); throw new Error("leak " + a); }', [
      test_('a case', [secret, 1], 'x'),
    ]);
    expect(only(result).output).toContain(secret);
    expect(only(result).error).toContain(secret);
    expect(JSON.stringify(result.learner)).not.toContain(secret);
    expect(result.learner.tests[0]).toMatchObject({ outcome: 'RUNTIME_ERROR', errorKind: 'THROWN' });
  });

  it('compares approximately within tolerance · max(1, |expected|)', async () => {
    const tests = [test_('close enough', [0.1, 0.2], 0.3, { mode: 'approx', tolerance: 1e-9 }), test_('exact fails', [0.1, 0.2], 0.3)];
    const result = await runJs('function add(a, b) { return a + b; }', tests);
    expect(result.mentor.tests.map((test) => test.outcome)).toEqual(['PASSED', 'WRONG_ANSWER']);
  });

  it('stops an infinite loop at about the deadline as TIME_LIMIT', async () => {
    const started = performance.now();
    const result = await runJs('function add() { for (;;) {} }', [test_('loops', [1, 2], 3)], { timeMsPerTest: 300 });
    const elapsed = performance.now() - started;
    expect(only(result).outcome).toBe('TIME_LIMIT');
    expect(only(result).ms).toBeGreaterThanOrEqual(300);
    expect(only(result).ms).toBeLessThan(400);
    expect(elapsed).toBeLessThan(1_500);
  });

  it('skips the remaining tests once two have hit the deadline, so an infinite loop costs two deadlines, not five', async () => {
    const timeMsPerTest = 1_000;
    const tests = [1, 2, 3, 4, 5].map((n) => test_(`case ${n}`, [n, n], 2 * n));
    const started = performance.now();
    const result = await runJs('function add() { for (;;) {} }', tests, { timeMsPerTest });
    const elapsed = performance.now() - started;
    expect(result.mentor.tests.map((test) => test.outcome)).toEqual(['TIME_LIMIT', 'TIME_LIMIT', 'SKIPPED', 'SKIPPED', 'SKIPPED']);
    // Running all five would take at least 5 × timeMsPerTest, above this bound.
    expect(elapsed).toBeLessThan(3 * timeMsPerTest + 1_500);
    expect(result.learner).toMatchObject({ passed: 0, total: 5 });
    expect(result.learner.tests.slice(2)).toEqual(
      ['case 3', 'case 4', 'case 5'].map((name) => ({ name, passed: false, outcome: 'SKIPPED', ms: 0, errorKind: null })),
    );
    for (const skipped of result.mentor.tests.slice(2)) {
      expect(skipped).toMatchObject({ output: '', outputTruncated: false, vmSteps: 0, error: null, mismatch: null });
    }
  });

  it('still runs and passes the other tests when only one test times out', async () => {
    const code = 'function add(a, b) { if (a > 1000) for (;;) {} return a + b; }';
    const tests = [...ADD_TESTS, test_('large input', [5_000, 1], 5_001), test_('zeros', [0, 0], 0), test_('mixed', [7, -7], 0)];
    const result = await runJs(code, tests, { timeMsPerTest: 300 });
    expect(result.mentor.tests.map((test) => test.outcome)).toEqual(['PASSED', 'PASSED', 'TIME_LIMIT', 'PASSED', 'PASSED']);
    expect(result.learner).toMatchObject({ passed: 4, total: 5 });
  });

  it('counts resource failures over the whole run, not only in a row', async () => {
    const code = 'function add(a, b) { if (a < 0) for (;;) {} return a + b; }';
    const tests = [test_('loops 1', [-1, 0], -1), ...ADD_TESTS.slice(0, 1), test_('loops 2', [-2, 0], -2), ...ADD_TESTS];
    const result = await runJs(code, tests, { timeMsPerTest: 300 });
    expect(result.mentor.tests.map((test) => test.outcome)).toEqual(['TIME_LIMIT', 'PASSED', 'TIME_LIMIT', 'SKIPPED', 'SKIPPED']);
    expect(result.learner).toMatchObject({ passed: 1, total: 5 });
  });

  it('counts MEMORY_LIMIT toward the same limit as TIME_LIMIT', async () => {
    const code = 'function add(a, b) { if (a === 0) return "x".repeat(2 ** 28).length; if (a === 1) for (;;) {} return a + b; }';
    const tests = [test_('huge string', [0, 0], 0), test_('loops', [1, 0], 1), ...ADD_TESTS];
    const result = await runJs(code, tests, { timeMsPerTest: 300 });
    expect(result.mentor.tests.map((test) => test.outcome)).toEqual(['MEMORY_LIMIT', 'TIME_LIMIT', 'SKIPPED', 'SKIPPED']);
  });

  it('does not count runtime errors or output limits as resource failures', async () => {
    const code = 'function add(a, b) { if (a === 0) throw new Error("no"); if (a === 9) for (;;) console.log("spam"); return a + b; }';
    const tests = [test_('throws', [0, 0], 0), test_('spams', [9, 0], 9), test_('throws again', [0, 1], 1), ...ADD_TESTS];
    const result = await runJs(code, tests, { timeMsPerTest: 300, outputBytes: 100 });
    expect(result.mentor.tests.map((test) => test.outcome)).toEqual(['RUNTIME_ERROR', 'OUTPUT_LIMIT', 'RUNTIME_ERROR', 'PASSED', 'PASSED']);
  });

  it('cannot swallow the deadline with catch or finally', async () => {
    const code = 'function add() { try { for (;;) {} } catch (e) { return 3; } finally { for (;;) {} } }';
    const result = await runJs(code, [test_('loops', [1, 2], 3)], { timeMsPerTest: 200 });
    expect(only(result).outcome).toBe('TIME_LIMIT');
  });

  it('stops an interpreter-bound loop with the VM-step budget, independent of the clock', async () => {
    const result = await runJs('function add() { for (;;) {} }', [test_('loops', [1, 2], 3)], {
      timeMsPerTest: 60_000,
      vmStepsPerTest: 1_000_000,
    });
    expect(only(result).outcome).toBe('TIME_LIMIT');
    expect(only(result).vmSteps).toBe(1_010_000);
  });

  it('stops a growing array as MEMORY_LIMIT or TIME_LIMIT and the host survives', async () => {
    const result = await runJs('function add() { let a = []; while (true) a.push(new Array(1e5)); }', [test_('grows', [1, 2], 3)], {
      memoryBytes: 32 * 1024 * 1024,
      timeMsPerTest: 2_000,
    });
    expect(['MEMORY_LIMIT', 'TIME_LIMIT']).toContain(only(result).outcome);
    const after = await runJs('function add(a, b) { return a + b; }');
    expect(after.learner.passed).toBe(2);
  });

  it('caps memory that QuickJS cannot see (filled arrays) with the WASM memory, then runs the next test on a fresh instance', async () => {
    // QuickJS's own limit misses these allocations in this build: without the bounded linear
    // memory this loop grew to the 2 GiB WASM ceiling and took 13 s.
    const code = 'function add(a, b) { if (a === 0) { const all = []; for (;;) all.push(new Array(1e5).fill(0)); } return a + b; }';
    const started = performance.now();
    const result = await runJs(code, [test_('hoards', [0, 1], 1), ...ADD_TESTS], { memoryBytes: 32 * 1024 * 1024, timeMsPerTest: 10_000 });
    expect(result.mentor.tests.map((test) => test.outcome)).toEqual(['MEMORY_LIMIT', 'PASSED', 'PASSED']);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('reports a quickly exhausted heap as MEMORY_LIMIT', async () => {
    const result = await runJs('function add() { return "x".repeat(2 ** 28).length; }', [test_('huge string', [1, 2], 3)]);
    expect(only(result).outcome).toBe('MEMORY_LIMIT');
  });

  it('reports deep recursion as a stack overflow (QuickJS limit)', async () => {
    const result = await runJs('function add(a) { return add(a + 1) + 1; }', [test_('recurses', [1, 2], 3)]);
    expect(only(result)).toMatchObject({ outcome: 'RUNTIME_ERROR', errorKind: 'STACK_OVERFLOW' });
  });

  it('reports deep recursion as a stack overflow when the host stack runs out first, then recovers', async () => {
    // 4 MiB of QuickJS stack is more than a Jest thread's ~1 MiB native stack can hold in WASM frames.
    const result = await runJs('function add(a) { return add(a + 1) + 1; }', [test_('recurses', [1, 2], 3), ...ADD_TESTS], {
      stackBytes: 4 * 1024 * 1024,
    });
    expect(only(result)).toMatchObject({
      outcome: 'RUNTIME_ERROR',
      errorKind: 'STACK_OVERFLOW',
      error: 'InternalError: stack overflow (host stack exhausted)',
    });
    // The instance was replaced: the next tests of the same run are judged normally.
    expect(result.mentor.tests.slice(1).map((test) => test.outcome)).toEqual(['RUNTIME_ERROR', 'RUNTIME_ERROR']);
    const fine = await runJs(
      'function add(a, b) { return a > 5 ? add(a - 1, b + 1) : a + b; }',
      [test_('recurses a little', [1000, 0], 1000)],
      {
        stackBytes: 4 * 1024 * 1024,
      },
    );
    expect(fine.learner.passed).toBe(1);
  });

  it('caps console output and reports OUTPUT_LIMIT', async () => {
    const result = await runJs('function add(a, b) { for (;;) console.log("spam spam spam"); }', [test_('spams', [1, 2], 3)], {
      outputBytes: 1_000,
    });
    expect(only(result).outcome).toBe('OUTPUT_LIMIT');
    expect(only(result).outputTruncated).toBe(true);
    expect(Buffer.byteLength(only(result).output)).toBeLessThanOrEqual(1_000);
  });

  it('reports OUTPUT_LIMIT even when the code returns the right answer right after writing too much', async () => {
    const result = await runJs('function add(a, b) { console.log("é".repeat(5000)); return a + b; }', [test_('one big line', [1, 2], 3)], {
      outputBytes: 1_001,
    });
    expect(only(result).outcome).toBe('OUTPUT_LIMIT');
    // 500 two-byte characters fit, the 501st would cut a character in half.
    expect(only(result).output).toBe('é'.repeat(500));
  });

  it('keeps ordinary console output, formatted like Node', async () => {
    const result = await runJs(
      'function add(a, b) { console.log("sum", a + b, [a, b], { a }); console.error(new RangeError("r")); return a + b; }',
      [test_('logs', [1, 2], 3)],
    );
    expect(only(result).output).toBe('sum 3 [1,2] {"a":1}\nRangeError: r\n');
  });

  it('reports a syntax error once, as RUNTIME_ERROR with COMPILE_ERROR for every test', async () => {
    const result = await runJs('function add(a, b) {\n  return a +;\n}');
    expect(result.learner.compileError).toMatch(/^solution\.js:2:\d+ SyntaxError: /);
    expect(result.learner.tests.map((test) => [test.outcome, test.errorKind])).toEqual([
      ['RUNTIME_ERROR', 'COMPILE_ERROR'],
      ['RUNTIME_ERROR', 'COMPILE_ERROR'],
    ]);
  });

  it('reports a missing entry point', async () => {
    const result = await runJs('function plus(a, b) { return a + b; }');
    expect(result.learner.tests[0]).toMatchObject({ outcome: 'RUNTIME_ERROR', errorKind: 'ENTRY_POINT_MISSING' });
  });

  it('reports a throwing top level as MODULE_INIT_FAILED', async () => {
    const threw = await runJs('throw new Error("at load"); function add(a, b) { return a + b; }');
    expect(threw.learner.tests[0]).toMatchObject({ outcome: 'RUNTIME_ERROR', errorKind: 'MODULE_INIT_FAILED' });
    expect(threw.mentor.tests[0]?.error).toBe('Error: at load\n    at <anonymous> (solution.js:1:16)');
  });

  it('refuses static imports when compiling: there is no module loader', async () => {
    const imported = await runJs('import fs from "fs"; export function add(a, b) { return a + b; }');
    expect(imported.learner.compileError).toBe("ReferenceError: could not load module 'fs'");
  });

  it('reports a result that JSON cannot hold as RESULT_NOT_JSON', async () => {
    const result = await runJs('function add(a, b) { const o = {}; o.self = o; return o; }');
    expect(result.learner.tests[0]).toMatchObject({ outcome: 'RUNTIME_ERROR', errorKind: 'RESULT_NOT_JSON' });
  });

  it('awaits an async entry point and its microtasks', async () => {
    const result = await runJs('async function add(a, b) { await null; return a + b; }');
    expect(result.learner.passed).toBe(2);
  });

  it('finds nothing of the host inside the sandbox', async () => {
    const probe = `export async function add() {
      const seen = {
        require: typeof require, process: typeof process, fetch: typeof globalThis.fetch, module: typeof module,
        setTimeout: typeof setTimeout, std: typeof std, os: typeof os, Buffer: typeof Buffer, WebAssembly: typeof WebAssembly,
        evalRequire: eval('typeof require'), functionProcess: Function('return typeof process')(),
        indirectGlobal: (0, eval)('Object.getOwnPropertyNames(this).filter((k) => !/^[A-Z]/.test(k)).sort().join(",")'),
      };
      try { await import('fs'); seen.importFs = 'loaded'; } catch (error) { seen.importFs = String(error); }
      return seen;
    }`;
    const exact = await runJs(probe, [
      test_('probe', [], {
        require: 'undefined',
        process: 'undefined',
        fetch: 'undefined',
        module: 'undefined',
        setTimeout: 'undefined',
        std: 'undefined',
        os: 'undefined',
        Buffer: 'undefined',
        WebAssembly: 'undefined',
        evalRequire: 'undefined',
        functionProcess: 'undefined',
        indirectGlobal:
          'console,decodeURI,decodeURIComponent,encodeURI,encodeURIComponent,escape,eval,globalThis,isFinite,isNaN,parseFloat,parseInt,undefined,unescape',
        importFs: "ReferenceError: could not load module 'fs'",
      }),
    ]);
    expect(only(exact).mismatch).toBeNull();
    expect(only(exact).outcome).toBe('PASSED');
  });

  it('does not let prototype pollution or globals from one test leak into the next', async () => {
    const code = `let calls = 0;
      function add(a, b) {
        calls += 1;
        const before = { polluted: ({}).polluted, global: globalThis.leftover, calls };
        Object.prototype.polluted = 'yes';
        Array.prototype.map = () => 'hijacked';
        JSON.stringify = () => '"hijacked"';
        globalThis.leftover = 'still here';
        return before;
      }`;
    // Leaked pollution would add a "polluted" or "global" key; a reused module would count 2 calls.
    const result = await runJs(code, [test_('first', [], { calls: 1 }), test_('second', [], { calls: 1 })]);
    expect(result.mentor.tests.map((test) => [test.outcome, test.mismatch])).toEqual([
      ['PASSED', null],
      ['PASSED', null],
    ]);
  });

  it('runs TypeScript with types, and maps runtime errors to the TypeScript lines', async () => {
    const code = `interface Pair { left: number; right: number }
type Adder = (a: number, b: number) => number;

export const add: Adder = (a: number, b: number): number => {
  const pair: Pair = { left: a, right: b };
  if (pair.left === 99) throw new Error('ninety-nine');
  return pair.left + pair.right;
};`;
    const result = await runHiddenTests({
      code,
      language: 'typescript',
      entryPoint: 'add',
      tests: [...ADD_TESTS, test_('throws', [99, 1], 100)],
      limits: LIMITS,
    });
    expect(result.mentor.tests.map((test) => test.outcome)).toEqual(['PASSED', 'PASSED', 'RUNTIME_ERROR']);
    expect(result.mentor.tests[2]?.error).toMatch(/solution\.ts:6:\d+/);
  });

  it('reports TypeScript syntax errors with TypeScript positions', async () => {
    const result = await runHiddenTests({
      code: 'function add(a: number, b: number {\n  return a + b;\n}',
      language: 'typescript',
      entryPoint: 'add',
      tests: ADD_TESTS,
      limits: LIMITS,
    });
    expect(result.learner.compileError).toMatch(/^solution\.ts:1:\d+ error TS\d+: /);
    expect(result.learner.tests.every((test) => test.errorKind === 'COMPILE_ERROR')).toBe(true);
  });

  it('refuses an entry point that is not an identifier, and a stack larger than QuickJS can honour', async () => {
    await expect(runJs('function add() {}', ADD_TESTS, {}, 'add; globalThis.x = 1')).rejects.toThrow(RangeError);
    await expect(runJs('function add() {}', ADD_TESTS, { stackBytes: 8 * 1024 * 1024 })).rejects.toThrow(/stackBytes/);
  });
});
