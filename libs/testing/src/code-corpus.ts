import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  CodeLanguage,
  CodeRunLimits,
  CodeRunTask,
  CodeTest,
  RuntimeErrorKind,
  TestOutcome,
} from '../../../sandboxes/code-runner/types';

/**
 * The code runner's escape corpus (test/fixtures/not-ok/code): learner modules that try to leave
 * QuickJS or exhaust it, each with the outcomes its tests must end with. Read by the unit spec
 * (runHiddenTests called directly) and by the integration spec (through the real sandbox host).
 */
export interface CodeCorpusEntry {
  file: string;
  outcomes: TestOutcome[];
  errorKind: RuntimeErrorKind | null;
  what: string;
}

export interface CodeCorpus {
  entryPoint: string;
  tests: CodeTest[];
  limits: CodeRunLimits;
  entries: Record<string, CodeCorpusEntry>;
}

export const CODE_CORPUS_DIR = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'not-ok', 'code');

/** A correct solution of the corpus's tests: run after each entry to show the runner is unaffected. */
export const CODE_CORPUS_NORMAL_CODE = 'function solve(xs) { return xs.reduce((sum, x) => sum + x, 0); }';

export function loadCodeCorpus(): CodeCorpus {
  return JSON.parse(readFileSync(join(CODE_CORPUS_DIR, 'manifest.json'), 'utf8')) as CodeCorpus;
}

/** The source files of the corpus on disk. */
export function codeCorpusFiles(): string[] {
  return readdirSync(CODE_CORPUS_DIR).filter((file) => /\.(js|ts)$/.test(file));
}

/** An entry's file as a task for the runner, with the corpus's tests and limits. */
export function codeCorpusTask(file: string, limits: Partial<CodeRunLimits> = {}, corpus = loadCodeCorpus()): CodeRunTask {
  return codeTask(readFileSync(join(CODE_CORPUS_DIR, file), 'utf8'), file.endsWith('.ts') ? 'typescript' : 'javascript', limits, corpus);
}

export function codeTask(
  code: string,
  language: CodeLanguage,
  limits: Partial<CodeRunLimits> = {},
  corpus = loadCodeCorpus(),
): CodeRunTask {
  return { code, language, entryPoint: corpus.entryPoint, tests: corpus.tests, limits: { ...corpus.limits, ...limits } };
}
