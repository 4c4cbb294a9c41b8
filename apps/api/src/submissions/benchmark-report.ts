import { escapeXml, type StoredTiming } from '@app/domain';

/** What the picture shows: the measured timing and the words around it (all escaped). */
export interface BenchmarkReportInput {
  challenge: string;
  submissionId: string;
  learner: string;
  verdict: string;
  timing: StoredTiming;
}

/** Rounds drawn at most: longer runs are sampled evenly (the picture says so). */
export const REPORT_MAX_POINTS = 2_000;

const WIDTH = 800;
const HEIGHT = 470;
const PLOT_LEFT = 170;
const PLOT_RIGHT = 770;
const COLORS = { baseline: '#64748b', candidate: '#2563eb', interval: '#bbf7d0', speedup: '#15803d', target: '#dc2626', axis: '#94a3b8' };

/**
 * The benchmark picture of a scored submission, as a self-contained SVG (no scripts, no external
 * references): per-round latency of one run of each model (a dot per round, over a box from the
 * first to the third quartile with the median, whiskers to the extremes), then the per-round
 * speedups with the median, its 95% interval and the target. Every text is XML-escaped.
 */
export function renderBenchmarkReport(input: BenchmarkReportInput): string {
  const { timing } = input;
  const rounds = sample(timing.rounds, REPORT_MAX_POINTS);
  const sampled = rounds.length < timing.rounds.length ? ` (${rounds.length} of them drawn)` : '';
  const parts: string[] = [];
  const title = `${input.challenge}: benchmark`;

  parts.push(
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    text(20, 30, title, { size: 16, weight: 'bold' }),
    text(
      20,
      52,
      `submission ${input.submissionId} by ${input.learner} · verdict ${input.verdict} · ${timing.rounds.length} rounds${sampled} × ${timing.runsPerRound} runs, ABAB order`,
      { size: 12, fill: '#334155' },
    ),
  );

  // Latency: one row per model on a shared millisecond axis.
  const latencies = [...rounds.map((round) => round.baselineMs), ...rounds.map((round) => round.candidateMs)];
  const latencyScale = scale(latencies, PLOT_LEFT, PLOT_RIGHT);
  parts.push(text(20, 86, 'Latency of one run (ms), one dot per round', { size: 13, weight: 'bold' }));
  parts.push(
    latencyRow(
      'baseline',
      rounds.map((round) => round.baselineMs),
      timing.baselineP50Ms,
      timing.baselineP90Ms,
      125,
      latencyScale,
      COLORS.baseline,
    ),
  );
  parts.push(
    latencyRow(
      'candidate',
      rounds.map((round) => round.candidateMs),
      timing.candidateP50Ms,
      timing.candidateP90Ms,
      195,
      latencyScale,
      COLORS.candidate,
    ),
  );
  parts.push(axis(latencyScale, 235, 'ms'));

  // Speedup: per-round ratios, the median with its 95% interval, and the target.
  const ratios = rounds.map((round) => round.ratio);
  const speedupScale = scale([...ratios, timing.speedupLow, timing.speedupHigh, timing.target, timing.speedup], PLOT_LEFT, PLOT_RIGHT);
  const top = 305;
  const bottom = 380;
  parts.push(text(20, 290, 'Speedup (baseline ÷ candidate), one dot per round', { size: 13, weight: 'bold' }));
  const low = speedupScale.x(timing.speedupLow);
  const high = speedupScale.x(timing.speedupHigh);
  parts.push(
    `<rect x="${num(low)}" y="${top}" width="${num(Math.max(high - low, 1))}" height="${bottom - top}" fill="${COLORS.interval}" fill-opacity="0.7"><title>${escapeXml(`95% interval ${fmt(timing.speedupLow)}× to ${fmt(timing.speedupHigh)}×`)}</title></rect>`,
    dots(ratios, (top + bottom) / 2, 26, speedupScale, COLORS.speedup),
    line(speedupScale.x(timing.speedup), top, speedupScale.x(timing.speedup), bottom, COLORS.speedup, 2.5),
    line(speedupScale.x(timing.target), top, speedupScale.x(timing.target), bottom + 6, COLORS.target, 2, '6 4'),
    text(speedupScale.x(timing.target) + 4, top + 12, `target ${fmt(timing.target)}×`, { size: 11, fill: COLORS.target }),
    text(20, 333, 'speedup', { size: 12, weight: 'bold' }),
    text(20, 350, `median ${fmt(timing.speedup)}×`, { size: 11, fill: '#334155' }),
    axis(speedupScale, bottom + 10, '×'),
  );

  const verdictLine =
    timing.speedupLow >= timing.target
      ? 'the lower bound reaches the target'
      : timing.speedupHigh >= timing.target
        ? 'the interval straddles the target'
        : 'the interval lies below the target';
  parts.push(
    text(
      20,
      440,
      `speedup ${fmt(timing.speedup)}× (95% interval ${fmt(timing.speedupLow)}× to ${fmt(timing.speedupHigh)}×) against a target of ${fmt(timing.target)}×: ${verdictLine}`,
      { size: 12, weight: 'bold' },
    ),
    text(
      20,
      460,
      `baseline p50 ${fmt(timing.baselineP50Ms)} ms, p90 ${fmt(timing.baselineP90Ms)} ms · candidate p50 ${fmt(timing.candidateP50Ms)} ms, p90 ${fmt(timing.candidateP90Ms)} ms`,
      { size: 12, fill: '#334155' },
    ),
  );

  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="report-title" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif">` +
    `<title id="report-title">${escapeXml(title)}</title>` +
    parts.join('') +
    '</svg>\n'
  );
}

interface Scale {
  min: number;
  max: number;
  x(value: number): number;
}

/** A linear scale over the values (padded by 5%), mapped to [left, right]. */
function scale(values: number[], left: number, right: number): Scale {
  const finite = values.filter(Number.isFinite);
  let min = finite.length ? Math.min(...finite) : 0;
  let max = finite.length ? Math.max(...finite) : 1;
  const pad = max > min ? (max - min) * 0.05 : Math.abs(max) * 0.05 || 1;
  min -= pad;
  max += pad;
  return { min, max, x: (value) => left + ((clamp(value, min, max) - min) / (max - min)) * (right - left) };
}

function latencyRow(label: string, values: number[], p50: number, p90: number, y: number, s: Scale, color: string): string {
  const sorted = [...values].sort((a, b) => a - b);
  const [q1, median, q3] = [0.25, 0.5, 0.75].map((q) => quantile(sorted, q)) as [number, number, number];
  const boxTop = y - 18;
  return (
    text(20, y - 4, label, { size: 12, weight: 'bold', fill: color }) +
    text(20, y + 12, `p50 ${fmt(p50)} · p90 ${fmt(p90)} ms`, { size: 11, fill: '#334155' }) +
    line(s.x(sorted[0]!), y, s.x(sorted.at(-1)!), y, color, 1) +
    `<rect x="${num(s.x(q1))}" y="${boxTop}" width="${num(Math.max(s.x(q3) - s.x(q1), 1))}" height="36" fill="${color}" fill-opacity="0.12" stroke="${color}"><title>${escapeXml(`${label}: quartiles ${fmt(q1)}, ${fmt(median)}, ${fmt(q3)} ms`)}</title></rect>` +
    line(s.x(median), boxTop, s.x(median), boxTop + 36, color, 2.5) +
    dots(values, y, 30, s, color)
  );
}

/** A dot per value, spread vertically by a fixed pattern (the same data always draws the same picture). */
function dots(values: number[], y: number, spread: number, s: Scale, color: string): string {
  const circles = values.map((value, index) => {
    const offset = (((index * 0.618033988749895) % 1) - 0.5) * spread;
    return `<circle cx="${num(s.x(value))}" cy="${num(y + offset)}" r="2.5"/>`;
  });
  return `<g fill="${color}" fill-opacity="0.55">${circles.join('')}</g>`;
}

function axis(s: Scale, y: number, unit: string): string {
  const ticks = niceTicks(s.min, s.max, 8);
  return (
    line(PLOT_LEFT, y, PLOT_RIGHT, y, COLORS.axis, 1) +
    ticks
      .map(
        (tick) =>
          line(s.x(tick), y, s.x(tick), y + 5, COLORS.axis, 1) +
          text(s.x(tick), y + 18, `${fmt(tick)}${unit === '×' ? '×' : ''}`, { size: 10, fill: '#475569', anchor: 'middle' }),
      )
      .join('') +
    (unit === 'ms' ? text(PLOT_RIGHT, y + 32, 'ms', { size: 10, fill: '#475569', anchor: 'end' }) : '')
  );
}

/** Round steps of 1, 2 or 5 × 10^k covering [min, max] with about `count` ticks. */
export function niceTicks(min: number, max: number, count: number): number[] {
  const span = max - min;
  if (!(span > 0) || !Number.isFinite(span)) return [min];
  const rough = span / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough) ?? 10 * power;
  const ticks: number[] = [];
  for (let tick = Math.ceil(min / step) * step; tick <= max + step * 1e-9; tick += step) ticks.push(Number(tick.toPrecision(12)));
  return ticks;
}

function quantile(sorted: number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

/** Evenly spaced, order-keeping sample of at most `limit` items. */
function sample<T>(items: readonly T[], limit: number): T[] {
  if (items.length <= limit) return [...items];
  return Array.from({ length: limit }, (_, index) => items[Math.floor((index * items.length) / limit)]!);
}

function text(
  x: number,
  y: number,
  content: string,
  style: { size: number; weight?: 'bold'; fill?: string; anchor?: 'middle' | 'end' },
): string {
  const weight = style.weight ? ` font-weight="${style.weight}"` : '';
  const anchor = style.anchor ? ` text-anchor="${style.anchor}"` : '';
  return `<text x="${num(x)}" y="${num(y)}" font-size="${style.size}" fill="${style.fill ?? '#0f172a'}"${weight}${anchor}>${escapeXml(content)}</text>`;
}

function line(x1: number, y1: number, x2: number, y2: number, color: string, width: number, dash?: string): string {
  const dashed = dash ? ` stroke-dasharray="${dash}"` : '';
  return `<line x1="${num(x1)}" y1="${num(y1)}" x2="${num(x2)}" y2="${num(y2)}" stroke="${color}" stroke-width="${width}"${dashed}/>`;
}

/** Numbers in the picture: 3 significant digits; whole numbers from 1000 up. */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (Math.abs(value) >= 1000) return String(Math.round(value));
  return String(Number(value.toPrecision(3)));
}

/** Coordinates: one decimal. */
function num(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
