import type { ScoringEnd } from '@app/db';
import type { SandboxHost } from '../sandbox/sandbox-host';
import {
  benchmarkTask,
  checkTask,
  endFromCheck,
  endFromMeasurements,
  endFromSandboxFailure,
  memoryTask,
  parityTask,
  rejectionFromParity,
  sourceListingTask,
  type Measurements,
  type SourceListing,
  type ModelSpec,
  type ScoringEnvironment,
} from './model-scoring';

export interface ModelScoringContext {
  spec: ModelSpec;
  points: number;
  secretSeed: string;
  /** Fresh per scoring (the job id): hidden inputs differ each time. */
  scoringNonce: string;
  reference: Uint8Array;
  candidate: Uint8Array;
  /** PORT_TO_JAX: the source archive of the port (listed for the mentor, never run). */
  source: Uint8Array | null;
  environment: ScoringEnvironment;
  timeoutMs: number;
  sandbox: Pick<SandboxHost, 'run' | 'runIsolated'>;
  /** Reports the phase; false when this run's claim was superseded (stop quietly). */
  progress: (phase: string, progress: number) => Promise<boolean>;
}

/** Thrown when the platform, not the model, failed a stage: the job is retried. */
export class PlatformFault extends Error {}

/** Stop: a later run of the job owns the submission now. */
export const SUPERSEDED = Symbol('superseded');

/**
 * A model's scoring, stage by stage, each in the sandbox host: static checks, parity on hidden
 * inputs, the paired benchmark (alone on the host), the peak memory of each model (each in a
 * one-off host that loads only it). The first stage that fails ends it.
 */
export async function scoreModel(context: ModelScoringContext): Promise<ScoringEnd | typeof SUPERSEDED> {
  const { spec, secretSeed, scoringNonce, reference, candidate, environment, timeoutMs, sandbox } = context;
  const failed = (outcome: { code: string; message: string }): ScoringEnd => {
    const end = endFromSandboxFailure(outcome, environment);
    if (!end) throw new PlatformFault(`${outcome.code}: ${outcome.message}`);
    return end;
  };

  let sourceListing: SourceListing | undefined;
  if (spec.kind === 'PORT_TO_JAX') {
    if (!context.source) throw new PlatformFault('a PORT_TO_JAX submission without its source archive');
    if (!(await context.progress('source', 0.08))) return SUPERSEDED;
    const listed = await sandbox.run(sourceListingTask(context.source), { timeoutMs });
    if (!listed.ok) return failed(listed);
    if (!listed.result.ok) return endFromCheck(listed.result, environment);
    sourceListing = listed.result;
  }

  if (!(await context.progress('checking', 0.1))) return SUPERSEDED;
  const check = await sandbox.run(checkTask(spec, reference, candidate), { timeoutMs });
  if (!check.ok) return failed(check);
  if (!check.result.ok) return endFromCheck(check.result, environment);

  if (!(await context.progress('parity', 0.2))) return SUPERSEDED;
  const parity = await sandbox.run(parityTask(spec, secretSeed, scoringNonce, reference, candidate), { timeoutMs });
  if (!parity.ok) return failed(parity);
  const rejected = rejectionFromParity(parity.result, environment);
  if (rejected) return rejected;

  if (!(await context.progress('timing', 0.4))) return SUPERSEDED;
  const timing = await sandbox.run(benchmarkTask(spec, secretSeed, scoringNonce, reference, candidate), { timeoutMs, exclusive: true });
  if (!timing.ok) return failed(timing);

  if (!(await context.progress('memory', 0.85))) return SUPERSEDED;
  const baselineMemory = await sandbox.runIsolated(memoryTask(spec, secretSeed, scoringNonce, reference), { timeoutMs });
  if (!baselineMemory.ok)
    throw new PlatformFault(`the reference's memory could not be measured: ${baselineMemory.code}: ${baselineMemory.message}`);
  const candidateMemory = await sandbox.runIsolated(memoryTask(spec, secretSeed, scoringNonce, candidate), { timeoutMs });
  if (!candidateMemory.ok) return failed(candidateMemory);

  const measured: Measurements = {
    check: check.result.summary,
    parity: parity.result,
    timing: timing.result,
    memory: { baseline: baselineMemory.result, candidate: candidateMemory.result },
    ...(sourceListing ? { source: sourceListing } : {}),
  };
  return endFromMeasurements(spec, context.points, measured, environment);
}
