import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
// Specs may reach across projects; production code loads sandboxes through the worker pool instead.
import { runHiddenTests } from '../../../sandboxes/code-runner';
import type { CodeRunResult } from '../../../sandboxes/code-runner';
import { catalogLocation } from './catalog-location';
import { challengeDefinitionSchema, hiddenTestSchema } from './definition';
import type { HiddenTest, SessionSpec } from './definition';
import { parseSessionExample } from './session-example';

const { challengesDir } = catalogLocation(join(__dirname, '..', '..', '..'));
const MIN_HIDDEN_TESTS = 12;

/** Every folder whose challenge.json declares an AI_FREE_SESSION, found when the suite loads. */
const sessionFolders = readdirSync(challengesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(challengesDir, entry.name, 'challenge.json')))
  .map((entry) => entry.name)
  .filter((folder) => readJson(join(challengesDir, folder, 'challenge.json')).kind === 'AI_FREE_SESSION')
  .sort();

function readJson(path: string): { kind?: unknown } & Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as { kind?: unknown } & Record<string, unknown>;
}

function loadSession(folder: string): { spec: SessionSpec; tests: HiddenTest[]; dir: string } {
  const dir = join(challengesDir, folder);
  const definition = challengeDefinitionSchema.parse(readJson(join(dir, 'challenge.json')));
  if (definition.spec.kind !== 'AI_FREE_SESSION') throw new Error(`${folder} is not an AI_FREE_SESSION challenge`);
  expect(definition.slug).toBe(folder);
  const tests = hiddenTestSchema.array().parse(JSON.parse(readFileSync(join(dir, 'hidden-tests.json'), 'utf8')));
  return { spec: definition.spec, tests, dir };
}

async function runSolution(dir: string, file: string, spec: SessionSpec, tests: HiddenTest[]): Promise<CodeRunResult> {
  return runHiddenTests({
    code: readFileSync(join(dir, file), 'utf8'),
    language: 'javascript',
    entryPoint: spec.entryPoint,
    tests,
    limits: spec.limits,
  });
}

/** For a readable failure: which tests did not pass, and why (mentor view; these are our own tests). */
function failures(result: CodeRunResult): string[] {
  return result.mentor.tests
    .filter((test) => !test.passed)
    .map((test) => `${test.name}: ${test.outcome} ${test.errorKind ?? ''} ${test.mismatch ?? test.error ?? ''}`.trim());
}

describe('AI_FREE_SESSION challenges', () => {
  it('exist (at least three)', () => {
    expect(sessionFolders.length).toBeGreaterThanOrEqual(3);
  });

  describe.each(sessionFolders)('%s', (folder) => {
    it(`has a valid definition, a brief and at least ${MIN_HIDDEN_TESTS} uniquely named hidden tests`, () => {
      const { spec, tests, dir } = loadSession(folder);
      expect(spec.signature).toContain(`${spec.entryPoint}(`);
      expect(readFileSync(join(dir, 'brief.md'), 'utf8')).toContain(spec.entryPoint);
      expect(tests.length).toBeGreaterThanOrEqual(MIN_HIDDEN_TESTS);
      expect(new Set(tests.map((test) => test.name)).size).toBe(tests.length);
    });

    it('passes every hidden test with the AI-written solution', async () => {
      const { spec, tests, dir } = loadSession(folder);
      const result = await runSolution(dir, 'solution.ai.js', spec, tests);
      expect(result.learner.compileError).toBeNull();
      expect(failures(result)).toEqual([]);
      expect(result.learner.passed).toBe(tests.length);
    });

    it('fails at least one hidden test with a wrong answer from the plausible wrong solution', async () => {
      const { spec, tests, dir } = loadSession(folder);
      const result = await runSolution(dir, 'solution.wrong.js', spec, tests);
      expect(result.learner.compileError).toBeNull();
      expect(result.learner.passed).toBeLessThan(tests.length);
      // It must be wrong, not broken: a crash would not show that the tests catch the mistake.
      expect(result.learner.tests.some((test) => test.outcome === 'WRONG_ANSWER')).toBe(true);
    });

    it('agrees with its public examples, run through the sandbox with the AI-written solution', async () => {
      const { spec, dir } = loadSession(folder);
      const examples = spec.examples.map((example) => parseSessionExample(example, spec.entryPoint));
      const result = await runSolution(dir, 'solution.ai.js', spec, examples);
      expect(failures(result)).toEqual([]);
    });
  });
});

describe('parseSessionExample', () => {
  it('reads the call, the JSON result and an optional tolerance', () => {
    expect(parseSessionExample('topK([3, 1, 3, 2], 2) → [0, 2]', 'topK')).toEqual({
      name: 'topK([3, 1, 3, 2], 2) → [0, 2]',
      args: [[3, 1, 3, 2], 2],
      expected: [0, 2],
      compare: { mode: 'exact' },
    });
    expect(parseSessionExample('f({"a": "x → y"}) → {"b": null} (±1e-8)', 'f')).toMatchObject({
      args: [{ a: 'x → y' }],
      expected: { b: null },
      compare: { mode: 'approx', tolerance: 1e-8 },
    });
    expect(parseSessionExample('f() → []', 'f')).toMatchObject({ args: [], expected: [] });
  });

  it('says what is wrong with a malformed example', () => {
    expect(() => parseSessionExample('g([1]) → [1]', 'f')).toThrow('must start with "f("');
    expect(() => parseSessionExample('f([1]) = [1]', 'f')).toThrow('must have "→"');
    expect(() => parseSessionExample("f(['a']) → 1", 'f')).toThrow('the arguments are not valid JSON');
    expect(() => parseSessionExample('f(1) → [1,', 'f')).toThrow('the result is not valid JSON');
    expect(() => parseSessionExample('f(1) → 1 (±0)', 'f')).toThrow('must be a positive number');
  });

  it('is enforced by the session spec schema', () => {
    const definition = {
      slug: 'bad-example',
      kind: 'AI_FREE_SESSION',
      title: 'Bad example',
      difficulty: 'INTRODUCTORY',
      points: 1,
      spec: {
        kind: 'AI_FREE_SESSION',
        timeLimitMinutes: 30,
        entryPoint: 'f',
        signature: 'function f(): number',
        examples: ['f() = 1'],
        limits: {},
      },
    };
    const parsed = challengeDefinitionSchema.safeParse(definition);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['spec.examples.0']);
  });
});
