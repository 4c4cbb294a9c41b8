import { NOT_TEXT, type TextRun } from './markdown-outline';
import type { ClaimKind, ClaimVerdict, ReportClaim, ReportEvidence } from './types';

/**
 * Numeric claims in a report's text, and how each compares with what was measured. The rules are
 * in README.md ("Claims"); every regular expression here runs on a bounded slice of text around a
 * number (or is linear), so a long line of numbers costs linear time.
 */

export type FoundClaim = Omit<ReportClaim, 'measured' | 'verdict'>;

export interface ClaimJudgement {
  verdict: ClaimVerdict;
  measured: string | null;
  /** For the learner, quoting the claim and the measurement. */
  explanation: string;
}

/** A number that is not part of a word, a version, a path or an exponent (`p50`, `A100`, `1.2.3`, `/v2`, `1e-3`). */
const NUMBER = /(?<![\p{L}\p{N}_.,/\\:#@$^'])(?<![eE][-+])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?!\.\d)/gu;
const URL = /(?:https?:\/\/|www\.)[^\s\uFFFC]*/gi;
const SLICE = 60;
const CONTEXT = 400;

/** After a number: `×` / `x` (not `x86`, `224x224`), "times faster", "-fold speedup". */
const SPEEDUP_AFTER =
  /^(?:\s?[×✕](?!\s?\d)|[xX](?![\p{L}\p{N}_])|\s[xX](?=\s+(?:faster|quicker|speed-?up))|\s+times(?=\s+(?:faster|quicker|speed-?up|the speed|as fast|higher throughput|more throughput|the throughput))|[-\s]fold(?=\s+(?:faster|quicker|speed-?up|acceleration|improvement)))/iu;
/** What may follow `2×` and make it something other than a speedup: a count of hardware, a size, a slowdown. */
const NOT_SPEEDUP_AFTER =
  /^\s*(?:smaller|less|fewer|lower memory|larger|bigger|more memory|more parameters|cheaper|slower|memory|bytes|params|parameters|[A-Z]\d+\b|GPUs?|CPUs?|TPUs?|NVIDIA|cores?|threads?|nodes?|machines?|instances?|workers?|replicas?|devices?|servers?|batch(?:es)?|models?)(?![\p{L}])/iu;
const FASTER_AFTER = /^\s+(?:faster|quicker|speed-?up)(?![\p{L}])/iu;
/** Before a number: "speedup of", "speed-up:", "a speedup of about", "×". */
const SPEEDUP_BEFORE =
  /speed[\s-]?ups?(?:[\s:=≈~()*_]|\b(?:of|was|is|are|were|around|about|approximately|roughly|median|mean|average|up to|at|by|reached|reaching|to|a factor of|factor of)\b)*$/iu;
const TIMES_BEFORE = /(?<![\p{N}]\s?)[×✕]\s?$/u;
const DURATION_AFTER = /^\s?(milliseconds?|msecs?|ms|microseconds?|µs|μs|us|nanoseconds?|ns|seconds?|secs?|s)(?![\p{L}\p{N}_])/iu;
const SIZE_AFTER = /^\s?(bytes?|[kmgt]i?b)(?![\p{L}\p{N}_])/iu;
const PERCENT_AFTER = /^\s?%/u;

const LATENCY_CONTEXT =
  /latenc|\bp\d{2}\b|percentile|median|\bmean\b|average|\bavg\b|inference|\bper\s+(?:batch|run|call|request|image|sample|token|item|query|step|iteration|forward)|run\s?time|wall|response|\btakes?\b|\btook\b|\btime\b/iu;
const MEMORY_CONTEXT = /memory|\bmem\b|\bpeak\b|\bram\b|\brss\b|footprint|\bheap\b|resident|allocat|vram/iu;
const ACCURACY_CONTEXT = /accura|top[\s-]?[15]\b|agreement|\bagree|tests?\s+pass|passed|pass(?:ing)?\s+rate/iu;

interface Unit {
  kind: ClaimKind;
  unit: string;
  /** To milliseconds (latency) or bytes (memory, decimal reading), 1 otherwise. */
  scale: number;
  /** The binary reading of a decimal memory unit (MB read as MiB), when the writer may have meant it. */
  binaryScale?: number;
}

const DURATIONS: Record<string, Unit> = {
  ms: { kind: 'latency', unit: 'ms', scale: 1 },
  s: { kind: 'latency', unit: 's', scale: 1000 },
  µs: { kind: 'latency', unit: 'µs', scale: 1e-3 },
  ns: { kind: 'latency', unit: 'ns', scale: 1e-6 },
};

function durationUnit(word: string): Unit {
  const lower = word.toLowerCase();
  if (lower === 'ms' || lower.startsWith('msec') || lower.startsWith('milli')) return DURATIONS.ms;
  if (lower === 'µs' || lower === 'μs' || lower === 'us' || lower.startsWith('micro')) return DURATIONS.µs;
  if (lower === 'ns' || lower.startsWith('nano')) return DURATIONS.ns;
  return DURATIONS.s;
}

function sizeUnit(word: string): Unit {
  const lower = word.toLowerCase();
  if (lower.startsWith('byte')) return { kind: 'memory', unit: 'B', scale: 1 };
  const power = 'kmgt'.indexOf(lower[0]) + 1;
  const prefix = lower[0] === 'k' ? 'K' : lower[0].toUpperCase();
  if (lower[1] === 'i') return { kind: 'memory', unit: `${prefix}iB`, scale: 1024 ** power };
  return { kind: 'memory', unit: `${prefix}B`, scale: 1000 ** power, binaryScale: 1024 ** power };
}

/** The unit a table column's header gives its bare numbers: "p50 (ms)", "Peak memory [MiB]", "Speedup". */
function headerUnit(header: string): Unit | null {
  if (/speed[\s-]?up/iu.test(header)) return { kind: 'speedup', unit: '×', scale: 1 };
  const inBrackets = /[([]\s*([^()[\]]{1,24}?)\s*[)\]]\s*$/u.exec(header)?.[1] ?? /,\s*(\S{1,12})\s*$/u.exec(header)?.[1];
  if (inBrackets === undefined) return null;
  if (/^[×x]$/iu.test(inBrackets)) return { kind: 'speedup', unit: '×', scale: 1 };
  if (inBrackets === '%') return { kind: 'accuracy', unit: '%', scale: 1 };
  const duration = DURATION_AFTER.exec(inBrackets);
  if (duration && duration[0].length === inBrackets.length) return durationUnit(duration[1]);
  const size = SIZE_AFTER.exec(inBrackets);
  if (size && size[0].length === inBrackets.length) return sizeUnit(size[1]);
  return null;
}

interface ContextFlags {
  latency: boolean;
  memory: boolean;
  accuracy: boolean;
}

function flagsOf(text: string): ContextFlags {
  return { latency: LATENCY_CONTEXT.test(text), memory: MEMORY_CONTEXT.test(text), accuracy: ACCURACY_CONTEXT.test(text) };
}

/**
 * The claims in one run of text. `tableFlags` caches the context of table rows and headers (a row's
 * text is shared by all its cells).
 */
export function findClaims(run: TextRun, tableFlags: Map<string, ContextFlags> = new Map()): FoundClaim[] {
  // URLs stay text (literal autolinks are not parsed): blank them out, keeping offsets.
  const text = run.text.replace(URL, (url) => NOT_TEXT.repeat(url.length));
  const claims: FoundClaim[] = [];
  const lineOf = lineLocator(run, text);
  const tableContext = (): ContextFlags => {
    const cached = (key: string): ContextFlags => {
      let flags = tableFlags.get(key);
      if (flags === undefined) tableFlags.set(key, (flags = flagsOf(key)));
      return flags;
    };
    const row = cached(run.row ?? '');
    const header = cached(run.header ?? '');
    return { latency: row.latency || header.latency, memory: row.memory || header.memory, accuracy: row.accuracy || header.accuracy };
  };
  const contextAround = (start: number, end: number): ContextFlags => {
    if (run.source === 'table') {
      const own = flagsOf(text.slice(Math.max(0, start - CONTEXT), end + CONTEXT));
      const table = tableContext();
      return { latency: own.latency || table.latency, memory: own.memory || table.memory, accuracy: own.accuracy || table.accuracy };
    }
    return flagsOf(sentenceAround(text, start, end));
  };

  for (const match of text.matchAll(NUMBER)) {
    const start = match.index;
    const numberEnd = start + match[0].length;
    const value = Number.parseFloat(match[0].replace(/,/g, ''));
    if (!Number.isFinite(value)) continue;
    const after = text.slice(numberEnd, numberEnd + SLICE);
    const before = text.slice(Math.max(0, start - SLICE), start);

    const speedupAfter = SPEEDUP_AFTER.exec(after);
    if (speedupAfter) {
      const rest = after.slice(speedupAfter[0].length);
      if (NOT_SPEEDUP_AFTER.test(rest)) continue;
      const faster = FASTER_AFTER.exec(rest);
      const end = numberEnd + speedupAfter[0].length + (faster?.[0].length ?? 0);
      claims.push(claim(run, lineOf, text, 'speedup', start, end, value, '×'));
      continue;
    }
    const duration = DURATION_AFTER.exec(after);
    if (duration) {
      if (contextAround(start, numberEnd).latency) {
        const unit = durationUnit(duration[1]);
        claims.push(claim(run, lineOf, text, 'latency', start, numberEnd + duration[0].length, value, unit.unit));
      }
      continue;
    }
    const size = SIZE_AFTER.exec(after);
    if (size) {
      if (contextAround(start, numberEnd).memory) {
        claims.push(claim(run, lineOf, text, 'memory', start, numberEnd + size[0].length, value, sizeUnit(size[1]).unit));
      }
      continue;
    }
    if (PERCENT_AFTER.test(after)) {
      if (contextAround(start, numberEnd).accuracy)
        claims.push(claim(run, lineOf, text, 'accuracy', start, numberEnd + 1 + (after[0] === ' ' ? 1 : 0), value, '%'));
      continue;
    }
    const times = TIMES_BEFORE.exec(before);
    if (times) {
      claims.push(claim(run, lineOf, text, 'speedup', start - times[0].length, numberEnd, value, '×'));
      continue;
    }
    const speedupBefore = SPEEDUP_BEFORE.exec(before);
    if (speedupBefore) {
      claims.push(claim(run, lineOf, text, 'speedup', start - speedupBefore[0].length, numberEnd, value, '×'));
      continue;
    }
    // A bare number alone in a table cell takes its unit from the column's header.
    if (run.source === 'table' && text.trim() === match[0] && run.header) {
      const unit = headerUnit(run.header);
      if (unit === null) continue;
      const flags = unit.kind === 'speedup' ? null : tableContext();
      if (
        flags === null ||
        (unit.kind === 'latency' && flags.latency) ||
        (unit.kind === 'memory' && flags.memory) ||
        (unit.kind === 'accuracy' && flags.accuracy)
      ) {
        claims.push({
          ...claim(run, lineOf, text, unit.kind, start, numberEnd, value, unit.unit),
          text: `${match[0]} (${run.header.trim()})`,
        });
      }
    }
  }
  return claims;
}

function claim(
  run: TextRun,
  lineOf: (offset: number) => number,
  text: string,
  kind: ClaimKind,
  start: number,
  end: number,
  value: number,
  unit: string,
): FoundClaim {
  return { kind, text: text.slice(start, end).replace(/\s+/g, ' ').trim(), value, unit, line: lineOf(start), source: run.source };
}

/** The line of an offset: from the last text node starting at or before it, plus the line breaks in between. */
function lineLocator(run: TextRun, text: string): (offset: number) => number {
  const breaks: number[] = [];
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) breaks.push(at);
  const starts = run.anchors.map((anchor) => anchor.offset);
  return (offset) => {
    const anchor = run.anchors[lastAtOrBefore(starts, offset)] ?? { offset: 0, line: 0 };
    return anchor.line + lastAtOrBefore(breaks, offset - 1) - lastAtOrBefore(breaks, anchor.offset - 1);
  };
}

/** Index of the last sorted value ≤ target, -1 when none. */
function lastAtOrBefore(sorted: readonly number[], target: number): number {
  let low = 0;
  let high = sorted.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (sorted[middle] <= target) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

/** The sentence around [start, end): up to `.`, `!`, `?` followed by a space, or a line that is empty; at most CONTEXT characters each way. */
function sentenceAround(text: string, start: number, end: number): string {
  let from = start;
  while (from > 0 && start - from < CONTEXT && !isSentenceEnd(text, from - 1)) from--;
  let to = end;
  while (to < text.length && to - end < CONTEXT && !isSentenceEnd(text, to)) to++;
  return text.slice(from, to + 1);
}

function isSentenceEnd(text: string, index: number): boolean {
  const char = text[index];
  return (char === '.' || char === '!' || char === '?') && (index + 1 >= text.length || /\s/.test(text[index + 1]));
}

// ---------------------------------------------------------------------------------------------
// Judging
// ---------------------------------------------------------------------------------------------

const KIND_WORDS: Record<ClaimKind, string> = { speedup: 'speedup', latency: 'latency', memory: 'peak-memory', accuracy: 'accuracy' };

/** Compares a claim with the evidence (README.md, "Claims", has the rules). */
export function judgeClaim(found: FoundClaim, evidence: ReportEvidence, tolerance: number): ClaimJudgement {
  const where = `Line ${found.line}`;
  const tolerancePercent = `${formatNumber(tolerance * 100)}%`;
  const unverifiable = (): ClaimJudgement => ({
    verdict: 'UNVERIFIABLE',
    measured: null,
    explanation: `${where} claims ${describe(found)}, but this result has no ${KIND_WORDS[found.kind]} measurement to compare it with, so it cannot be checked.`,
  });

  switch (found.kind) {
    case 'speedup': {
      const speedup = evidence.speedup;
      if (!speedup) return unverifiable();
      const measured = `95% interval ${formatNumber(speedup.low)}–${formatNumber(speedup.high)}× (median ${formatNumber(speedup.median)}×)`;
      const limit = speedup.high * (1 + tolerance);
      if (found.value > limit) {
        return {
          verdict: 'EXCEEDS',
          measured,
          explanation: `${where} claims a speedup of ${formatNumber(found.value)}×, but the measured ${measured} does not support it: with the ${tolerancePercent} tolerance at most ${formatNumber(limit)}× can be claimed.`,
        };
      }
      const relation =
        found.value < speedup.low
          ? 'is below the measured'
          : found.value > speedup.high
            ? 'is within the tolerance of the measured'
            : 'is within the measured';
      return {
        verdict: 'CONSISTENT',
        measured,
        explanation: `${where} claims a speedup of ${formatNumber(found.value)}×, which ${relation} ${measured}.`,
      };
    }
    case 'latency': {
      const latency = evidence.latencyMs;
      if (!latency) return unverifiable();
      const ms = found.value * durationUnit(found.unit).scale;
      const measured = `candidate p50 ${formatMs(latency.candidateP50)}, p90 ${formatMs(latency.candidateP90)}; baseline p50 ${formatMs(latency.baselineP50)}, p90 ${formatMs(latency.baselineP90)}`;
      const quoted = (
        [
          ['candidate p50', latency.candidateP50],
          ['candidate p90', latency.candidateP90],
          ['baseline p50', latency.baselineP50],
          ['baseline p90', latency.baselineP90],
        ] as const
      ).find(([, value]) => Math.abs(ms - value) <= tolerance * value);
      const floor = latency.candidateP50 * (1 - tolerance);
      if (ms < floor && quoted === undefined) {
        return {
          verdict: 'EXCEEDS',
          measured,
          explanation: `${where} claims a latency of ${describeValue(found)}, faster than anything measured (${measured}): with the ${tolerancePercent} tolerance no latency below ${formatMs(floor)} can be claimed.`,
        };
      }
      const why = quoted
        ? `matches the measured ${quoted[0]} of ${formatMs(quoted[1])}`
        : `is not below the candidate's measured p50 of ${formatMs(latency.candidateP50)}`;
      return { verdict: 'CONSISTENT', measured, explanation: `${where} claims a latency of ${describeValue(found)}, which ${why}.` };
    }
    case 'memory': {
      const memory = evidence.peakMemoryBytes;
      if (!memory) return unverifiable();
      const unit = sizeUnit(found.unit === 'B' ? 'bytes' : found.unit);
      const readings = [found.value * unit.scale, ...(unit.binaryScale ? [found.value * unit.binaryScale] : [])];
      const binary = found.unit.includes('i');
      const measured = `candidate peak ${formatBytes(memory.candidate, binary)}; baseline peak ${formatBytes(memory.baseline, binary)}`;
      const holds = (bytes: number): string | null => {
        if (Math.abs(bytes - memory.candidate) <= tolerance * memory.candidate)
          return `matches the candidate's measured peak of ${formatBytes(memory.candidate, binary)}`;
        if (Math.abs(bytes - memory.baseline) <= tolerance * memory.baseline)
          return `matches the baseline's measured peak of ${formatBytes(memory.baseline, binary)}`;
        if (bytes >= memory.candidate * (1 - tolerance))
          return `is not below the candidate's measured peak of ${formatBytes(memory.candidate, binary)}`;
        return null;
      };
      const why = readings.map(holds).find((reason) => reason !== null);
      if (why === undefined) {
        const floor = memory.candidate * (1 - tolerance);
        return {
          verdict: 'EXCEEDS',
          measured,
          explanation: `${where} claims a peak memory of ${describeValue(found)}, less than was measured (${measured}): with the ${tolerancePercent} tolerance no peak below ${formatBytes(floor, binary)} can be claimed.`,
        };
      }
      return { verdict: 'CONSISTENT', measured, explanation: `${where} claims a peak memory of ${describeValue(found)}, which ${why}.` };
    }
    case 'accuracy': {
      const accuracy = evidence.accuracy;
      if (accuracy === null || accuracy === undefined) return unverifiable();
      const measured = formatPercent(accuracy);
      const ceiling = 1 - (1 - accuracy) * (1 - tolerance);
      if (found.value / 100 > ceiling + 1e-12) {
        return {
          verdict: 'EXCEEDS',
          measured,
          explanation: `${where} claims an accuracy of ${formatNumber(found.value)}%, but the measurement supports ${measured}: with the ${tolerancePercent} tolerance on the error rate (${formatPercent(1 - accuracy)}) at most ${formatPercent(ceiling)} can be claimed.`,
        };
      }
      return {
        verdict: 'CONSISTENT',
        measured,
        explanation: `${where} claims an accuracy of ${formatNumber(found.value)}%, which does not exceed the measured ${measured}.`,
      };
    }
  }
}

function describe(found: FoundClaim): string {
  switch (found.kind) {
    case 'speedup':
      return `a speedup of ${formatNumber(found.value)}×`;
    case 'latency':
      return `a latency of ${describeValue(found)}`;
    case 'memory':
      return `a peak memory of ${describeValue(found)}`;
    case 'accuracy':
      return `an accuracy of ${formatNumber(found.value)}%`;
  }
}

const describeValue = (found: FoundClaim): string => `${formatNumber(found.value)} ${found.unit}`;

/** At most three decimals (two from 10, none from 1,000), trailing zeros dropped, thousands grouped: 1.5234 → "1.523", 1200 → "1,200". */
export function formatNumber(value: number): string {
  const magnitude = Math.abs(value);
  return formatFixed(value, magnitude < 10 ? 3 : magnitude < 1000 ? 2 : 0);
}

// Not toLocaleString: ICU formatting costs ~100 µs a call, and a report may hold thousands of claims.
function formatFixed(value: number, decimals: number): string {
  let text = value.toFixed(decimals);
  if (text.includes('.')) text = text.replace(/\.?0+$/, '');
  const [whole, fraction] = text.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

function formatMs(ms: number): string {
  if (ms >= 1000) return `${formatNumber(ms / 1000)} s`;
  if (ms < 0.1) return `${formatNumber(ms * 1000)} µs`;
  return `${formatNumber(ms)} ms`;
}

function formatPercent(fraction: number): string {
  return `${formatFixed(fraction * 100, 2)}%`;
}

function formatBytes(bytes: number, binary: boolean): string {
  const base = binary ? 1024 : 1000;
  const units = binary ? ['B', 'KiB', 'MiB', 'GiB', 'TiB'] : ['B', 'KB', 'MB', 'GB', 'TB'];
  let unit = 0;
  let value = bytes;
  while (value >= base && unit < units.length - 1) {
    value /= base;
    unit++;
  }
  return `${formatNumber(value)} ${units[unit]}`;
}
