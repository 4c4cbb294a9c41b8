import { outlineMarkdown, type Outline } from './markdown-outline';
import { findClaims, formatNumber, judgeClaim } from './report-claims';
import { SECTION_SYNONYMS, canonicalSection, findSection, headingAnchors, normaliseHeading, sectionEnd } from './report-sections';
import {
  MAX_LISTED_CLAIMS,
  type ClaimKind,
  type ReportCheck,
  type ReportCheckResult,
  type ReportCheckTask,
  type ReportClaim,
  type ReportEvidence,
  type ReportHeading,
  type ReportSection,
} from './types';

const CLAIM_CHECKS: Record<ClaimKind, ReportCheck['name']> = {
  speedup: 'CLAIM_SPEEDUP',
  latency: 'CLAIM_LATENCY',
  memory: 'CLAIM_MEMORY',
  accuracy: 'CLAIM_ACCURACY',
};

/**
 * Checks a learner's Markdown report against the result it documents: the required sections
 * (headings of any depth, synonyms accepted), a table in the results, commands in the
 * reproduction section, and every numeric claim against the measurement. Pure: no I/O, no
 * environment, no clock. Never throws on what a learner can write (see README.md for the limits
 * that keep it fast); a malformed task is the platform's fault and throws `INVALID_TASK: …`.
 */
export function checkReport(task: ReportCheckTask): ReportCheckResult {
  validateTask(task);
  const { markdown } = task;
  // Every UTF-16 unit is at least one UTF-8 byte: the length alone rules out the hugest strings.
  const bytes = markdown.length > task.maxReportBytes ? markdown.length : Buffer.byteLength(markdown, 'utf8');
  if (bytes > task.maxReportBytes) {
    const shown =
      markdown.length > task.maxReportBytes ? `more than ${kib(task.maxReportBytes)}` : `${kib(bytes)} (${formatNumber(bytes)} bytes)`;
    return {
      ok: false,
      code: 'REPORT_TOO_LARGE',
      message: `The report is ${shown} of UTF-8 text; at most ${kib(task.maxReportBytes)} (${formatNumber(task.maxReportBytes)} bytes) is accepted. Shorten it: long logs and raw outputs belong in the source archive, not the report.`,
    };
  }
  if (markdown.trim() === '') {
    return {
      ok: false,
      code: 'REPORT_EMPTY',
      message: 'The report is empty: write it in Markdown, with the required sections, and submit again.',
    };
  }

  const parsed = outlineMarkdown(markdown);
  if (!parsed.ok) return parsed;
  const { outline } = parsed;

  const anchors = headingAnchors(outline.headings.map((heading) => heading.text));
  const headings: ReportHeading[] = outline.headings.map((heading, index) => ({ ...heading, anchor: anchors[index] }));
  const normalised = outline.headings.map((heading) => normaliseHeading(heading.text));

  const sections: ReportSection[] = [];
  const checks: ReportCheck[] = [];
  for (const required of task.requiredSections) {
    const index = findSection(required, outline.headings, normalised);
    const heading = index === null ? null : headings[index];
    sections.push({ required, heading: heading?.text ?? null, line: heading?.line ?? null, anchor: heading?.anchor ?? null });
    checks.push(sectionCheck(required, heading));
  }
  const missingSections = sections.filter((section) => section.heading === null).map((section) => section.required);

  checks.push(resultsTableCheck(task, outline, headings, normalised));
  checks.push(reproductionCommandsCheck(task, outline, headings, normalised));

  const claims: ReportClaim[] = [];
  let overclaims = 0;
  let claimsOmitted = 0;
  const tableContext = new Map();
  for (const run of outline.texts) {
    for (const found of findClaims(run, tableContext)) {
      const judgement = judgeClaim(found, task.evidence, task.claimTolerance);
      if (judgement.verdict === 'EXCEEDS') overclaims++;
      if (claims.length >= MAX_LISTED_CLAIMS) {
        claimsOmitted++;
        continue;
      }
      claims.push({ ...found, measured: judgement.measured, verdict: judgement.verdict });
      checks.push({
        name: CLAIM_CHECKS[found.kind],
        subject: found.text,
        passed: judgement.verdict !== 'EXCEEDS',
        explanation: judgement.explanation,
        line: found.line,
      });
    }
  }
  return {
    ok: true,
    bytes,
    headings,
    sections,
    missingSections,
    checks,
    claims,
    claimsOmitted,
    flags: overclaims > 0 ? ['CLAIM_EXCEEDS_MEASUREMENT'] : [],
    overclaims,
  };
}

function sectionCheck(required: string, heading: ReportHeading | null): ReportCheck {
  if (heading !== null) {
    const same = normaliseHeading(heading.text) === normaliseHeading(required);
    return {
      name: 'SECTION_PRESENT',
      subject: required,
      passed: true,
      explanation: same
        ? `The report has the "${required}" section (line ${heading.line}).`
        : `The report has the "${required}" section: the heading "${heading.text}" (line ${heading.line}).`,
      line: heading.line,
    };
  }
  const canonical = canonicalSection(required);
  const others = (canonical === null ? [] : SECTION_SYNONYMS[canonical])
    .filter((name) => normaliseHeading(name) !== normaliseHeading(required))
    .slice(0, 4);
  return {
    name: 'SECTION_PRESENT',
    subject: required,
    passed: false,
    explanation: `The report has no "${required}" section: add a heading such as "## ${required}"${others.length > 0 ? ` (also accepted: ${others.join(', ')})` : ''}.`,
    line: null,
  };
}

/** The heading of a canonical section (required or not) and the lines its section spans. */
function locate(
  canonical: string,
  task: ReportCheckTask,
  outline: Outline,
  headings: ReportHeading[],
  normalised: string[],
): { heading: ReportHeading; end: number } | null {
  // A required name that stands for the canonical section is what the learner was asked for.
  const required = task.requiredSections.find((name) => canonicalSection(name) === canonical) ?? canonical;
  const index = findSection(required, outline.headings, normalised);
  return index === null ? null : { heading: headings[index], end: sectionEnd(index, outline.headings) };
}

function resultsTableCheck(task: ReportCheckTask, outline: Outline, headings: ReportHeading[], normalised: string[]): ReportCheck {
  const section = locate('Results', task, outline, headings, normalised);
  if (section === null) {
    return {
      name: 'RESULTS_TABLE',
      subject: null,
      passed: false,
      explanation:
        'There is no "Results" section, so no table of results either: add a "## Results" section with a Markdown table of the measurements.',
      line: null,
    };
  }
  const { heading, end } = section;
  const table = outline.tables.find((line) => line > heading.line && line < end);
  return table === undefined
    ? {
        name: 'RESULTS_TABLE',
        subject: null,
        passed: false,
        explanation: `The "${heading.text}" section (line ${heading.line}) has no table: put the measurements in a Markdown table (| metric | baseline | candidate |).`,
        line: heading.line,
      }
    : {
        name: 'RESULTS_TABLE',
        subject: null,
        passed: true,
        explanation: `The "${heading.text}" section (line ${heading.line}) has a table of results (line ${table}).`,
        line: table,
      };
}

/** Inline code that reads as a command: it has an argument, or runs a file (`./run.sh`). */
const looksLikeCommand = (code: string): boolean => /\S\s+\S/u.test(code.trim()) || /^\.{0,2}\//u.test(code.trim());

function reproductionCommandsCheck(task: ReportCheckTask, outline: Outline, headings: ReportHeading[], normalised: string[]): ReportCheck {
  const section = locate('Reproduction', task, outline, headings, normalised);
  if (section === null) {
    return {
      name: 'REPRODUCTION_COMMANDS',
      subject: null,
      passed: false,
      explanation:
        'There is no "Reproduction" section, so no commands to reproduce the result: add a "## Reproduction" section with the exact commands in a fenced code block.',
      line: null,
    };
  }
  const { heading, end } = section;
  const inside = outline.code.filter((code) => code.line > heading.line && code.line < end && code.value.trim() !== '');
  const block = inside.find((code) => !code.inline);
  const inline = inside.find((code) => code.inline && looksLikeCommand(code.value));
  const found = block ?? inline;
  if (found === undefined) {
    return {
      name: 'REPRODUCTION_COMMANDS',
      subject: null,
      passed: false,
      explanation: `The "${heading.text}" section (line ${heading.line}) has no commands: give the exact commands in a fenced code block (\`\`\`bash … \`\`\`) or as inline code such as \`python bench.py --seed 1\`.`,
      line: heading.line,
    };
  }
  return {
    name: 'REPRODUCTION_COMMANDS',
    subject: null,
    passed: true,
    explanation: `The "${heading.text}" section (line ${heading.line}) gives commands ${found.inline ? `inline (\`${truncate(found.value, 60)}\`)` : 'in a code block'} (line ${found.line}).`,
    line: found.line,
  };
}

function truncate(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

function kib(bytes: number): string {
  return `${formatNumber(Math.round((bytes / 1024) * 10) / 10)} KiB`;
}

/** The task comes from the platform (catalog spec + stored result): a malformed one is a bug, not the learner's doing. */
function validateTask(task: ReportCheckTask): void {
  const fail = (what: string): never => {
    throw new TypeError(`INVALID_TASK: ${what}`);
  };
  if (typeof task.markdown !== 'string') fail('markdown must be a string');
  if (
    !Array.isArray(task.requiredSections) ||
    task.requiredSections.some((name) => typeof name !== 'string' || normaliseHeading(name) === '')
  ) {
    fail('requiredSections must be names with at least one letter or digit');
  }
  if (!Number.isFinite(task.claimTolerance) || task.claimTolerance < 0 || task.claimTolerance >= 1)
    fail('claimTolerance must be in [0, 1)');
  if (!Number.isSafeInteger(task.maxReportBytes) || task.maxReportBytes < 1) fail('maxReportBytes must be a whole number ≥ 1');
  validateEvidence(task.evidence, fail);
}

function validateEvidence(evidence: ReportEvidence, fail: (what: string) => never): void {
  if (evidence === null || typeof evidence !== 'object') fail('evidence is missing');
  const positive = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value) && value > 0;
  const { speedup, latencyMs, peakMemoryBytes, accuracy } = evidence;
  if (speedup && ![speedup.median, speedup.low, speedup.high].every(positive)) fail('evidence.speedup must hold positive numbers');
  if (speedup && !(speedup.low <= speedup.median && speedup.median <= speedup.high))
    fail('evidence.speedup must satisfy low ≤ median ≤ high');
  if (latencyMs && ![latencyMs.baselineP50, latencyMs.baselineP90, latencyMs.candidateP50, latencyMs.candidateP90].every(positive)) {
    fail('evidence.latencyMs must hold positive numbers');
  }
  if (peakMemoryBytes && ![peakMemoryBytes.baseline, peakMemoryBytes.candidate].every(positive))
    fail('evidence.peakMemoryBytes must hold positive numbers');
  if (accuracy !== null && accuracy !== undefined && !(Number.isFinite(accuracy) && accuracy >= 0 && accuracy <= 1))
    fail('evidence.accuracy must be a fraction in [0, 1]');
}
