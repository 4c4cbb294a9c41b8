import type { ResultRecord } from '@app/db';
import type { ReportCheckResult } from '../../../../sandboxes/report/types';
import { storedCodeResultOf, storedTimingOf, type IntegrityEvidence, type StoredTestReport } from '@app/domain';
import type {
  IntegrityReport,
  OutputParity,
  ParityReport,
  ReportChecks,
  Result,
  ScoringEnvironment,
  SourceFile,
  TestReport,
  VerdictEnum,
} from './submission.model';

interface StoredParity {
  passed: boolean;
  batches: number;
  outputs: OutputParity[];
}

/** The GraphQL view of a stored result: the parity report and environment as the scorer wrote them. */
export function toResult(record: ResultRecord): Result {
  const parity = record.metrics.parity as StoredParity | undefined;
  const timing = storedTimingOf(record.metrics);
  const code = storedCodeResultOf(record.metrics);
  return {
    verdict: record.verdict as VerdictEnum,
    points: record.points,
    speedup: timing?.speedup ?? null,
    speedupLow: timing?.speedupLow ?? null,
    speedupHigh: timing?.speedupHigh ?? null,
    targetSpeedup: timing?.target ?? null,
    baselineP50Ms: timing?.baselineP50Ms ?? null,
    baselineP90Ms: timing?.baselineP90Ms ?? null,
    candidateP50Ms: timing?.candidateP50Ms ?? null,
    candidateP90Ms: timing?.candidateP90Ms ?? null,
    baselinePeakMemoryBytes: finiteOrNull(record.metrics.baselinePeakMemoryBytes as number | undefined),
    candidatePeakMemoryBytes: finiteOrNull(record.metrics.candidatePeakMemoryBytes as number | undefined),
    parity: parity ? toParity(parity) : null,
    sourceFiles: (record.metrics.source as { files?: SourceFile[] } | undefined)?.files ?? null,
    tests: code?.tests ? toTestReport(code.tests) : null,
    comparison: code?.comparison ?? null,
    integrity: code?.integrity ? toIntegrityReport(code.integrity) : null,
    reportChecks: toReportChecks(record.metrics),
    environment: record.environment as unknown as ScoringEnvironment,
    flags: record.flags,
    certificateId: record.certificateId,
    createdAt: record.createdAt,
  };
}

function toParity(parity: StoredParity): ParityReport {
  return {
    passed: parity.passed,
    batches: parity.batches,
    outputs: parity.outputs.map((output) => ({
      name: output.name,
      passed: output.passed,
      relativeL2: finiteOrNull(output.relativeL2),
      worstAbsError: finiteOrNull(output.worstAbsError),
      worstIndex: output.worstIndex ?? null,
      worstBatch: output.worstBatch ?? null,
      withinTolerance: finiteOrNull(output.withinTolerance),
      nonFinite: output.nonFinite ?? 0,
      top1Agreement: finiteOrNull(output.top1Agreement),
      reason: output.reason ?? null,
    })),
  };
}

/** The report checks a scorer stored (only when the checker read the report). */
function toReportChecks(metrics: Record<string, unknown>): ReportChecks | null {
  const checks = metrics.reportChecks as (ReportCheckResult & { ok: true }) | { ok: false } | undefined;
  if (!checks?.ok) return null;
  return {
    evidenceSubmissionId: metrics.evidenceSubmissionId as string,
    bytes: checks.bytes,
    missingSections: checks.missingSections,
    overclaims: checks.overclaims,
    headings: checks.headings,
    sections: checks.sections.map((section) => ({ required: section.required, heading: section.heading, line: section.line })),
    checks: checks.checks,
    claims: checks.claims.map((claim) => ({ ...claim, value: finiteOrNull(claim.value) ?? 0 })),
    claimsOmitted: checks.claimsOmitted,
  };
}

function toTestReport(tests: StoredTestReport): TestReport {
  return {
    passed: tests.passed,
    total: tests.total,
    compileError: tests.compileError,
    cases: tests.tests.map((test) => ({
      name: test.name,
      passed: test.passed,
      outcome: test.outcome,
      ms: finiteOrNull(test.ms),
      errorKind: test.errorKind,
    })),
  };
}

function toIntegrityReport(evidence: IntegrityEvidence): IntegrityReport {
  return {
    replayMatches: evidence.replayMatches,
    replayDistance: evidence.replayDistance,
    pastedChars: evidence.pastedChars,
    internalPastedChars: evidence.internalPastedChars,
    pastedShare: evidence.pastedShare,
    pasteCount: evidence.pasteCount,
    burstCount: evidence.burstCount,
    focusLostMs: evidence.focusLostMs,
    typedChars: evidence.typing.typedChars,
    typingMedianIntervalMs: finiteOrNull(evidence.typing.medianIntervalMs),
    missingBatches: evidence.missingBatches,
    flags: evidence.flags,
  };
}

/** JSON cannot hold NaN/Inf (they arrive as null) and GraphQL Float refuses them. */
function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
