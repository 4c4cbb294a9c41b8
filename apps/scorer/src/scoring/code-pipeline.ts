import type { ScoringEnd } from '@app/db';
import { integrityEvidence, type EditBatch } from '@app/domain';
import type { CodeLanguage, CodeRunResult } from '../../../../sandboxes/code-runner/types';
import type { SandboxHost } from '../sandbox/sandbox-host';
import {
  codeMetricsTask,
  codeSide,
  COMPARISON_RUNS,
  endFromCodeRuns,
  finishedInTime,
  hiddenTestsTask,
  type CodeChallenge,
} from './code-scoring';
import { PlatformFault, SUPERSEDED } from './model-pipeline';
import { endFromSandboxFailure, type ScoringEnvironment } from './model-scoring';

export interface CodeScoringContext {
  challenge: CodeChallenge;
  points: number;
  code: string;
  language: CodeLanguage;
  /** The session's edit log as it stood when the code was submitted. */
  editLog: () => Promise<EditBatch[]>;
  /** When the code was submitted, ms since the session started (an unclosed focus loss runs to it). */
  submittedAtMs: number;
  environment: ScoringEnvironment;
  timeoutMs: number;
  sandbox: Pick<SandboxHost, 'run'>;
  progress: (phase: string, progress: number) => Promise<boolean>;
}

/**
 * An AI-free submission's scoring: the hidden tests (the verdict), code metrics of both solutions,
 * COMPARISON_RUNS timed runs of each side alternating learner / AI (each alone on the sandbox
 * host), then the integrity evidence of the edit log. Learner code runs only in the sandbox host.
 */
export async function scoreCode(context: CodeScoringContext): Promise<ScoringEnd | typeof SUPERSEDED> {
  const { challenge, code, language, environment, timeoutMs, sandbox } = context;
  const run = async (source: string, sourceLanguage: CodeLanguage, exclusive: boolean): Promise<CodeRunResult | ScoringEnd> => {
    const outcome = await sandbox.run(hiddenTestsTask(challenge, source, sourceLanguage), { timeoutMs, exclusive });
    if (outcome.ok) return outcome.result;
    const end = endFromSandboxFailure(outcome, environment);
    if (!end) throw new PlatformFault(`${outcome.code}: ${outcome.message}`);
    return end;
  };
  const metricsOf = async (source: string, sourceLanguage: CodeLanguage) => {
    const outcome = await sandbox.run(codeMetricsTask(source, sourceLanguage), { timeoutMs });
    if (!outcome.ok) throw new PlatformFault(`code metrics: ${outcome.code}: ${outcome.message}`);
    return outcome.result;
  };

  if (!(await context.progress('testing', 0.1))) return SUPERSEDED;
  const learnerRun = await run(code, language, false);
  if (!isRun(learnerRun)) return learnerRun;

  if (!(await context.progress('comparing', 0.3))) return SUPERSEDED;
  const [learnerMetrics, aiMetrics] = [await metricsOf(code, language), await metricsOf(challenge.aiSolution, 'javascript')];
  const aiRun = await run(challenge.aiSolution, 'javascript', false);
  if (!isRun(aiRun)) throw new PlatformFault(`the AI-written solution of this challenge did not run: ${aiRun.rejection?.message}`);

  const timeLearner = finishedInTime(learnerRun);
  const learnerTimed: CodeRunResult[] = [];
  const aiTimed: CodeRunResult[] = [];
  for (let round = 0; round < COMPARISON_RUNS; round += 1) {
    if (!(await context.progress('timing', 0.4 + (0.45 * round) / COMPARISON_RUNS))) return SUPERSEDED;
    if (timeLearner) {
      const timed = await run(code, language, true);
      if (!isRun(timed)) return timed;
      learnerTimed.push(timed);
    }
    const timed = await run(challenge.aiSolution, 'javascript', true);
    if (!isRun(timed)) throw new PlatformFault(`the AI-written solution of this challenge did not run: ${timed.rejection?.message}`);
    aiTimed.push(timed);
  }

  if (!(await context.progress('integrity', 0.9))) return SUPERSEDED;
  const integrity = integrityEvidence(await context.editLog(), code, { endAt: context.submittedAtMs });
  return endFromCodeRuns(
    context.points,
    {
      learnerRun,
      learner: codeSide(learnerRun, learnerTimed, learnerMetrics),
      ai: codeSide(aiRun, aiTimed, aiMetrics),
      integrity,
    },
    environment,
  );
}

function isRun(value: CodeRunResult | ScoringEnd): value is CodeRunResult {
  return 'learner' in value && 'mentor' in value;
}
