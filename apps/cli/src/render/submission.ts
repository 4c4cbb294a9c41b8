import { wrap, type Style } from './text';

/** The submission as `submit` and `status` show it (GraphQL `Submission`, the fields below). */
export interface SubmissionView {
  id: string;
  status: 'QUEUED' | 'RUNNING' | 'SCORED' | 'REJECTED' | 'FAILED';
  phase: string | null;
  progress: number | null;
  challenge: { slug: string; title: string };
  rejection: { code: string; message: string } | null;
  result: {
    verdict: 'PASSED' | 'FAILED' | 'INCONCLUSIVE';
    points: number;
    flags: string[];
    speedup: number | null;
    speedupLow: number | null;
    speedupHigh: number | null;
    targetSpeedup: number | null;
    baselineP50Ms: number | null;
    candidateP50Ms: number | null;
    certificateId: string | null;
    parity: {
      passed: boolean;
      batches: number;
      outputs: Array<{ name: string; passed: boolean; relativeL2: number | null; reason: string | null }>;
    } | null;
  } | null;
}

export const SUBMISSION_FIELDS = `id status phase progress challenge { slug title } rejection { code message }
  result { verdict points flags speedup speedupLow speedupHigh targetSpeedup baselineP50Ms candidateP50Ms certificateId
    parity { passed batches outputs { name passed relativeL2 reason } } }`;

export const TERMINAL_STATUSES = ['SCORED', 'REJECTED', 'FAILED'];

/** Links a reader can open: the benchmark picture and the certificate. */
export function submissionLinks(
  submission: SubmissionView,
  link: (path: string) => string,
): { report: string | null; certificate: string | null } {
  return {
    report: submission.result ? link(`/submissions/${submission.id}/report.svg`) : null,
    certificate: submission.result?.certificateId ? link(`/certificates/${submission.result.certificateId}`) : null,
  };
}

const times = (value: number) => `${value.toFixed(2)}×`;
const ms = (value: number) => `${value < 10 ? value.toFixed(3) : value.toFixed(1)} ms`;

/** The outcome in lines: verdict, speedup with its interval, parity, p50s, points, links. */
export function renderSubmission(
  submission: SubmissionView,
  links: { report: string | null; certificate: string | null },
  width: number,
  style: Style,
): string {
  const rows: Array<[string, string]> = [
    ['Submission', submission.id],
    ['Challenge', submission.challenge.slug],
    ['Status', submission.status + (submission.status === 'RUNNING' && submission.phase ? ` (${submission.phase})` : '')],
  ];
  const result = submission.result;
  if (result) {
    rows.push(['Verdict', style.bold(result.verdict)]);
    if (result.speedup !== null) {
      const details: string[] = [];
      if (result.speedupLow !== null && result.speedupHigh !== null) {
        details.push(`95% interval ${times(result.speedupLow)}–${times(result.speedupHigh)}`);
      }
      if (result.targetSpeedup !== null) details.push(`target ≥ ${times(result.targetSpeedup)}`);
      rows.push(['Speedup', times(result.speedup) + (details.length > 0 ? ` (${details.join(', ')})` : '')]);
    }
    if (result.parity) {
      const worst = result.parity.outputs.map(
        (output) =>
          `${output.name} ${output.passed ? 'ok' : `failed${output.reason ? `: ${output.reason}` : ''}`}${output.relativeL2 !== null ? `, rel. L2 ${output.relativeL2.toExponential(1)}` : ''}`,
      );
      rows.push(['Parity', `${result.parity.passed ? 'passed' : 'FAILED'} on ${result.parity.batches} batches (${worst.join('; ')})`]);
    }
    if (result.baselineP50Ms !== null && result.candidateP50Ms !== null) {
      rows.push(['p50', `reference ${ms(result.baselineP50Ms)}, yours ${ms(result.candidateP50Ms)}`]);
    }
    rows.push(['Points', String(result.points)]);
    if (result.flags.length > 0) rows.push(['Flags', result.flags.join(', ')]);
  }
  if (submission.rejection) rows.push(['Rejected', `${submission.rejection.code}: ${submission.rejection.message}`]);
  if (links.report) rows.push(['Report', links.report]);
  if (links.certificate) rows.push(['Certificate', links.certificate]);
  const column = 13;
  return rows.flatMap(([label, value]) => wrap(value, width, label.padEnd(column), ' '.repeat(column))).join('\n');
}
