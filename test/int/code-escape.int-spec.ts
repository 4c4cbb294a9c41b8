import { CODE_CORPUS_NORMAL_CODE, codeCorpusFiles, codeCorpusTask, codeTask, loadCodeCorpus } from '@app/testing';
import type { CodeRunResult, CodeRunTask } from '../../sandboxes/code-runner/types';
import { SandboxHost, type SandboxOutcome } from '../../apps/scorer/src/sandbox/sandbox-host';

/**
 * The escape corpus (test/fixtures/not-ok/code) through the real sandbox host: a child process
 * started from dist/ (run after `npm run build`), the code runner in its Piscina worker. Every entry
 * must end with its recorded outcome inside the per-test deadlines + 2 s, without restarting the
 * host, and a normal task must pass right after it on the same host.
 */
const manifest = loadCodeCorpus();
const SLACK_MS = 2_000;
/** The host's own timeout is only the backstop; the runner must finish well before it. */
const HOST_TIMEOUT_MS = 30_000;
const HOST_NAMES = ['process', 'require', 'module', 'exports', 'Buffer', 'fetch', 'setTimeout', 'setImmediate', 'WebAssembly', 'std', 'os'];
const ECMASCRIPT_GLOBALS = ['Array', 'JSON', 'Math', 'Object', 'Promise', 'Proxy', 'Reflect', 'globalThis', 'console'];

function answered(outcome: SandboxOutcome<'code.hidden-tests'>): CodeRunResult {
  if (!outcome.ok) throw new Error(`expected an answer, got ${outcome.code}: ${outcome.message}`);
  return outcome.result;
}

describe('code runner escape corpus through the sandbox host', () => {
  const host = new SandboxHost({ memoryLimitBytes: 6 * 1024 ** 3, threads: 1 });
  const run = (task: CodeRunTask) => host.run({ kind: 'code.hidden-tests', ...task }, { timeoutMs: HOST_TIMEOUT_MS });

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

  it('shows the code only QuickJS builtins and the console on its global object', async () => {
    const result = answered(await run(codeCorpusTask('global-keys.js', { outputBytes: 64 * 1024 }, manifest)));
    for (const test of result.mentor.tests) {
      const names = JSON.parse(test.output) as string[];
      expect(names).toEqual(expect.arrayContaining(ECMASCRIPT_GLOBALS));
      expect(names.filter((name) => HOST_NAMES.includes(name))).toEqual([]);
    }
  });
});
