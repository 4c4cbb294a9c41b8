import { CODE_CORPUS_NORMAL_CODE, codeCorpusFiles, codeCorpusTask, codeTask, loadCodeCorpus } from '@app/testing';
import type { CodeMetrics } from '../../sandboxes/code-runner/code-metrics';
import { MAX_CODE_BYTES } from '../../sandboxes/code-runner/prepare-source';
import type { CodeLanguage, CodeRunTask } from '../../sandboxes/code-runner/types';
import { SandboxHost, type SandboxOutcome } from '../../apps/scorer/src/sandbox/sandbox-host';
import type { SandboxResultOf } from '../../sandboxes/task';

/**
 * The escape corpus (test/fixtures/not-ok/code) through the real sandbox host: a child process
 * started from dist/ (run after `npm run build`), the code runner in its Piscina worker. Every entry
 * must end with its recorded outcome inside the per-test deadlines + 2 s, without restarting the
 * host, and a normal task must pass right after it on the same host. The `code.metrics` task parses
 * the same untrusted code (and absurdly nested code) in the same workers without harming them.
 */
const manifest = loadCodeCorpus();
const SLACK_MS = 2_000;
/** The host's own timeout is only the backstop; the runner must finish well before it. */
const HOST_TIMEOUT_MS = 30_000;
const HOST_NAMES = ['process', 'require', 'module', 'exports', 'Buffer', 'fetch', 'setTimeout', 'setImmediate', 'WebAssembly', 'std', 'os'];
const ECMASCRIPT_GLOBALS = ['Array', 'JSON', 'Math', 'Object', 'Promise', 'Proxy', 'Reflect', 'globalThis', 'console'];

function answered<K extends 'code.hidden-tests' | 'code.metrics'>(outcome: SandboxOutcome<K>): SandboxResultOf<K> {
  if (!outcome.ok) throw new Error(`expected an answer, got ${outcome.code}: ${outcome.message}`);
  return outcome.result;
}

function measured(lines: number, cyclomaticComplexity: number, functions: number): CodeMetrics {
  return { lines, cyclomaticComplexity, functions, notMeasured: null };
}
const TOO_DEEP: CodeMetrics = { lines: 0, cyclomaticComplexity: 0, functions: 0, notMeasured: 'TOO_DEEP' };

describe('code runner escape corpus through the sandbox host', () => {
  const host = new SandboxHost({ memoryLimitBytes: 6 * 1024 ** 3, threads: 1 });
  const run = (task: CodeRunTask) => host.run({ kind: 'code.hidden-tests', ...task }, { timeoutMs: HOST_TIMEOUT_MS });
  const measure = (code: string, language: CodeLanguage = 'javascript') =>
    host.run({ kind: 'code.metrics', code, language }, { timeoutMs: HOST_TIMEOUT_MS });

  beforeAll(() => host.start());
  afterAll(() => host.stop());

  it('covers every file of the corpus', () => {
    const onDisk = codeCorpusFiles();
    expect(
      Object.values(manifest.entries)
        .map((entry) => entry.file)
        .sort(),
    ).toEqual(onDisk.sort());
  });

  it.each(Object.entries(manifest.entries))(
    '%s ends with its recorded outcome in time; the next task in the pool is unaffected',
    async (_name, entry) => {
      const pid = host.pid;
      const restarts = host.restarts;
      const startedAt = performance.now();
      const result = answered(await run(codeCorpusTask(entry.file, {}, manifest)));
      const elapsed = performance.now() - startedAt;
      expect(result.learner.tests.map((test) => test.outcome)).toEqual(entry.outcomes);
      for (const test of result.learner.tests) expect(test.errorKind).toBe(test.outcome === 'RUNTIME_ERROR' ? entry.errorKind : null);
      expect(elapsed).toBeLessThan(manifest.tests.length * manifest.limits.timeMsPerTest + SLACK_MS);
      // Nothing the code did reached the host: same process, no restart, and a normal task passes.
      const next = answered(await run(codeTask(CODE_CORPUS_NORMAL_CODE, 'javascript', {}, manifest)));
      expect(next.learner).toMatchObject({ compileError: null, passed: manifest.tests.length, total: manifest.tests.length });
      expect(host.pid).toBe(pid);
      expect(host.restarts).toBe(restarts);
    },
  );

  it('measures every file of the corpus with the code.metrics task', async () => {
    const pid = host.pid;
    const restarts = host.restarts;
    for (const file of codeCorpusFiles()) {
      const { code, language } = codeCorpusTask(file, {}, manifest);
      const metrics = answered(await measure(code, language));
      expect([file, metrics.notMeasured, metrics.cyclomaticComplexity >= 1]).toEqual([file, null, true]);
    }
    expect(host.pid).toBe(pid);
    expect(host.restarts).toBe(restarts);
  });

  it.each<[string, string, (metrics: CodeMetrics) => void]>([
    // The worker's 16 MiB stack follows 10,000 levels (a ~1 MiB thread does not: code-metrics.spec.ts).
    ['10,000 nested blocks', `${'{'.repeat(10_000)}${'}'.repeat(10_000)}`, (metrics) => expect(metrics).toEqual(measured(1, 1, 0))],
    ['10,000 nested ifs', `${'if (a) '.repeat(10_000)}b();`, (metrics) => expect(metrics).toEqual(measured(1, 10_001, 0))],
    // 32,768 levels of parentheses: the parser's frames per level are many (16,384 overflow too).
    [
      '64 KiB of nested parentheses',
      `x = ${'('.repeat(32 * 1024)}1${')'.repeat(32 * 1024)};`,
      (metrics) => expect(metrics).toEqual(TOO_DEEP),
    ],
    ['the largest accepted input, all opening brackets', '['.repeat(MAX_CODE_BYTES), (metrics) => expect(metrics).toEqual(TOO_DEEP)],
    ['a 20,000-term && chain', `x${' && x'.repeat(20_000)};`, (metrics) => expect(metrics).toEqual(measured(1, 20_001, 0))],
  ])('code.metrics answers %s quickly, and the host survives it', async (_name, code, check) => {
    const pid = host.pid;
    const restarts = host.restarts;
    const startedAt = performance.now();
    check(answered(await measure(code)));
    expect(performance.now() - startedAt).toBeLessThan(SLACK_MS);
    const next = answered(await measure('function f(a) { return a ? 1 : 2; }'));
    expect(next).toEqual(measured(1, 2, 1));
    expect(host.pid).toBe(pid);
    expect(host.restarts).toBe(restarts);
  });

  it('shows the code only QuickJS builtins and the console on its global object', async () => {
    const result = answered(await run(codeCorpusTask('global-keys.js', { outputBytes: 64 * 1024 }, manifest)));
    for (const test of result.mentor.tests) {
      const names = JSON.parse(test.output) as string[];
      expect(names).toEqual(expect.arrayContaining(ECMASCRIPT_GLOBALS));
      expect(names.filter((name) => HOST_NAMES.includes(name))).toEqual([]);
    }
  });
});
