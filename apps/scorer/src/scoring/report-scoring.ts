import type { ScoringEnd, ScoringInput } from '@app/db';
import { storedTimingOf } from '@app/domain';
import type { ReportCheckResult, ReportEvidence } from '../../../../sandboxes/report/types';
import type { SandboxTaskOf } from '../sandbox/sandbox-outcome';
import { result, type ScoringEnvironment } from './model-scoring';

/** The parts of a DOCUMENT_RESULTS spec the scoring reads (libs/catalog's documentSpecSchema). */
export interface ReportSpec {
  documents: ReportEvidence['kind'];
  requiredSections: string[];
  claimTolerance: number;
  maxReportBytes: number;
}

/** Each claim beyond its measurement costs this share of the challenge's points. */
export const OVERCLAIM_PENALTY = 0.2;

export function reportSpecOf(input: ScoringInput): ReportSpec {
  const spec = input.challenge.hidden.spec as ({ kind?: string } & ReportSpec) | undefined;
  if (spec?.kind !== 'DOCUMENT_RESULTS')
    throw new Error(`challenge ${input.challenge.slug} v${input.challenge.version} has no report spec`);
  return spec;
}

/**
 * What the evidence's stored result measured, in the report checker's terms: the speedup and
 * its interval, latencies and peak memory of both models, and the accuracy the measurement
 * supports (top-1 agreement of a classification parity, or the share of hidden tests passed).
 */
export function reportEvidenceOf(kind: ReportEvidence['kind'], metrics: Record<string, unknown>): ReportEvidence {
  const timing = storedTimingOf(metrics);
  const finite = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
  const baselinePeak = finite(metrics.baselinePeakMemoryBytes);
  const candidatePeak = finite(metrics.candidatePeakMemoryBytes);
  const parity = metrics.parity as { outputs?: { top1Agreement?: number }[] } | undefined;
  const agreements = (parity?.outputs ?? []).map((output) => finite(output.top1Agreement)).filter((value) => value !== null);
  const tests = metrics.tests as { passed?: number; total?: number } | undefined;
  const accuracy =
    agreements.length > 0
      ? Math.min(...agreements)
      : finite(tests?.passed) !== null && finite(tests?.total)
        ? tests!.passed! / tests!.total!
        : null;
  return {
    kind,
    speedup: timing ? { median: timing.speedup, low: timing.speedupLow, high: timing.speedupHigh } : null,
    latencyMs: timing
      ? {
          baselineP50: timing.baselineP50Ms,
          baselineP90: timing.baselineP90Ms,
          candidateP50: timing.candidateP50Ms,
          candidateP90: timing.candidateP90Ms,
        }
      : null,
    peakMemoryBytes: baselinePeak !== null && candidatePeak !== null ? { baseline: baselinePeak, candidate: candidatePeak } : null,
    accuracy,
  };
}

export function reportCheckTask(spec: ReportSpec, markdown: string, evidence: ReportEvidence): SandboxTaskOf<'report.check'> {
  return {
    kind: 'report.check',
    markdown,
    requiredSections: spec.requiredSections,
    claimTolerance: spec.claimTolerance,
    maxReportBytes: spec.maxReportBytes,
    evidence,
  };
}

/**
 * The end of a report's scoring. A report the checker refuses (too large, empty, unparsable) is
 * REJECTED with its code. Otherwise SCORED: points = the challenge's points × the share of the
 * structural checks passed (sections, a results table, reproduction commands), less
 * OVERCLAIM_PENALTY of them per claim beyond its measurement (never below 0). PASSED when every
 * check passes and nothing is overclaimed. A mentor's approval decides whether they count
 * (docs/reviews.md).
 */
export function endFromReportCheck(
  points: number,
  evidenceSubmissionId: string,
  check: ReportCheckResult,
  environment: ScoringEnvironment,
): ScoringEnd {
  if (!check.ok) {
    return {
      status: 'REJECTED',
      rejection: { code: check.code, message: check.message },
      result: result('FAILED', 0, { reportChecks: check, evidenceSubmissionId }, [], environment),
    };
  }
  const structural = check.checks.filter((item) => !item.name.startsWith('CLAIM'));
  const share = structural.length === 0 ? 1 : structural.filter((item) => item.passed).length / structural.length;
  const earned = Math.max(0, points * share - points * OVERCLAIM_PENALTY * check.overclaims);
  const passed = check.checks.every((item) => item.passed) && check.overclaims === 0;
  return {
    status: 'SCORED',
    rejection: null,
    result: result(
      passed ? 'PASSED' : 'FAILED',
      Math.round(earned * 100) / 100,
      { reportChecks: check, evidenceSubmissionId },
      check.flags,
      environment,
    ),
  };
}
