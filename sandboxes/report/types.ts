/**
 * The contract of the report sandbox. In: a learner's Markdown report and the measured result it
 * documents. Out: what the report contains and whether its numbers hold up. Task and result are
 * plain data (they cross the sandbox host's IPC and the Piscina boundary as a structured clone).
 */

/** The measured result the report documents (from the scorer's stored Result). */
export interface ReportEvidence {
  kind: 'OPTIMIZE_MODEL' | 'PORT_TO_JAX' | 'AI_FREE_SESSION';
  /** Median speedup (baseline time / candidate time) and its 95% interval. */
  speedup?: { median: number; low: number; high: number } | null;
  latencyMs?: { baselineP50: number; baselineP90: number; candidateP50: number; candidateP90: number } | null;
  peakMemoryBytes?: { baseline: number; candidate: number } | null;
  /** Accuracy the measurement supports, as a fraction 0–1 (top-1 agreement, or tests passed/total); null when not measurable. */
  accuracy?: number | null;
}

export interface ReportCheckTask {
  /** The learner's report (untrusted). */
  markdown: string;
  /** Section names, e.g. "Environment and prerequisites", "Method", "Results", "Limitations", "Reproduction", "What failed and what I learned". */
  requiredSections: string[];
  /** A claim may exceed the measurement by this relative amount (0.05 = 5%). See README.md for each kind's rule. */
  claimTolerance: number;
  /** Largest accepted report, in UTF-8 bytes (checked before parsing). */
  maxReportBytes: number;
  evidence: ReportEvidence;
}

/** 200 KiB, and the defaults of DESIGN.md §4 for the rest. */
export const DEFAULT_MAX_REPORT_BYTES = 200 * 1024;
export const DEFAULT_CLAIM_TOLERANCE = 0.05;
export const DEFAULT_REQUIRED_SECTIONS: readonly string[] = Object.freeze([
  'Environment and prerequisites',
  'Method',
  'Results',
  'Limitations',
  'Reproduction',
  'What failed and what I learned',
]);

/** Why a report was not checked at all. */
export type ReportRefusalCode =
  /** More than `maxReportBytes` of UTF-8 (checked before parsing). */
  | 'REPORT_TOO_LARGE'
  /** Nothing but whitespace. */
  | 'REPORT_EMPTY'
  /**
   * Structure far beyond what a report needs, refused before parsing because the Markdown parser's
   * cost grows faster than the text: block quotes or lists opened more than 16 deep on one line
   * (or after more than 64 columns of indentation) or adding up to more than 20,000 levels, more
   * than 10,000 lines, 10,000 table cells, 100 columns in a table, 10,000 emphasis/link/code markers
   * (500 on one line), or inline code that never closes, in bulk. The message names the limit and
   * the line; README.md has the table.
   */
  | 'REPORT_TOO_COMPLEX'
  /** The parser ran out of stack (a RangeError), despite the limits above. */
  | 'REPORT_UNPARSABLE';

// A Record, so that a code missing here (or one too many) fails to compile.
const CODES: Record<ReportRefusalCode, true> = {
  REPORT_TOO_LARGE: true,
  REPORT_EMPTY: true,
  REPORT_TOO_COMPLEX: true,
  REPORT_UNPARSABLE: true,
};
/** Every {@link ReportRefusalCode}. */
export const REPORT_REFUSAL_CODES: readonly ReportRefusalCode[] = Object.freeze(Object.keys(CODES) as ReportRefusalCode[]);

export interface ReportHeading {
  depth: 1 | 2 | 3 | 4 | 5 | 6;
  /** The heading's text as rendered (emphasis, links and inline code reduced to their text). */
  text: string;
  /** 1-based line in the report. */
  line: number;
  /** GitHub-style slug, unique in the report (`results`, `results-1`, …): mentors anchor comments to it. */
  anchor: string;
}

export interface ReportSection {
  /** The name as the task requires it. */
  required: string;
  /** The heading's text that provides it, or null when the report has none. */
  heading: string | null;
  line: number | null;
  anchor: string | null;
}

export type ReportCheckName =
  'SECTION_PRESENT' | 'RESULTS_TABLE' | 'REPRODUCTION_COMMANDS' | 'CLAIM_SPEEDUP' | 'CLAIM_LATENCY' | 'CLAIM_MEMORY' | 'CLAIM_ACCURACY';

export interface ReportCheck {
  name: ReportCheckName;
  /** What the check is about: the required section's name, or the claim's text; null for RESULTS_TABLE and REPRODUCTION_COMMANDS. */
  subject: string | null;
  passed: boolean;
  /** One or two sentences for the learner, quoting the numbers. */
  explanation: string;
  /** The line the explanation refers to, when there is one. */
  line: number | null;
}

export type ClaimKind = 'speedup' | 'latency' | 'memory' | 'accuracy';
export type ClaimVerdict = 'CONSISTENT' | 'EXCEEDS' | 'UNVERIFIABLE';

export interface ReportClaim {
  kind: ClaimKind;
  /** The words of the report that make the claim, e.g. "2.4× faster", "speedup of 1.8", "12.3 ms". */
  text: string;
  /** The number as written (in `unit`). */
  value: number;
  /** As written, normalised: "×", "ms", "s", "µs", "ns", "B", "KB", "KiB", "MB", "MiB", "GB", "GiB", "TB", "TiB", "%". */
  unit: string;
  line: number;
  /** Where it was written. */
  source: 'prose' | 'heading' | 'table';
  /** What it was compared with, e.g. "95% interval 1.52–1.61× (median 1.55×)"; null when UNVERIFIABLE. */
  measured: string | null;
  verdict: ClaimVerdict;
}

export type ReportFlag =
  /** At least one claim is better than the measurement by more than the tolerance: it costs points and a mentor looks at it. */
  'CLAIM_EXCEEDS_MEASUREMENT';

/** At most this many claims are listed (in document order); every claim is judged and counted. */
export const MAX_LISTED_CLAIMS = 500;

export type ReportCheckResult =
  | {
      ok: true;
      /** UTF-8 bytes of the report. */
      bytes: number;
      /** Every heading, in document order. */
      headings: ReportHeading[];
      /** One per required section, in the order required. */
      sections: ReportSection[];
      /** The required sections not found, in the order required. */
      missingSections: string[];
      /** SECTION_PRESENT per required section, RESULTS_TABLE, REPRODUCTION_COMMANDS, then one per listed claim. */
      checks: ReportCheck[];
      /** Numeric claims in prose, headings and table cells (never in code), in document order. */
      claims: ReportClaim[];
      /** Claims judged but not listed, beyond MAX_LISTED_CLAIMS. */
      claimsOmitted: number;
      flags: ReportFlag[];
      /** Claims whose verdict is EXCEEDS (listed or not). */
      overclaims: number;
    }
  | {
      ok: false;
      code: ReportRefusalCode;
      /** For the learner: what is wrong and what to change. */
      message: string;
    };
