import { escapeXml } from '@app/domain';
/** What a badge says: one certificate's challenge, verdict and speedup (all text is escaped). */
export interface BadgeInput {
  certificateId: string;
  challengeTitle: string;
  verdict: string;
  speedup: number | null;
  speedupLow: number | null;
  speedupHigh: number | null;
}

/** Longest challenge title drawn, in characters; a longer one ends with "…". */
export const BADGE_MAX_TITLE = 60;

const HEIGHT = 20;
const PADDING = 6;
const FONT_SIZE = 11;
const LABEL_COLOR = '#555555';
const VERDICT_COLORS: Record<string, string> = { PASSED: '#2e7d32', INCONCLUSIVE: '#a15c00', FAILED: '#c62828' };
const OTHER_COLOR = '#5f6b7a';

/**
 * A small shareable badge for a public certificate, as a self-contained SVG: the challenge on the
 * left, the verdict and the speedup with its 95% interval on the right, the whole badge a relative
 * link to the certificate (`/certificates/<id>`) that proves it. No script, no external reference.
 * Widths come from an estimate of each text's width, and each text is drawn with exactly that
 * length (`textLength`), so it fits whatever font the viewer has.
 */
export function renderBadge(input: BadgeInput): string {
  const label = truncate(input.challengeTitle.trim() || 'challenge', BADGE_MAX_TITLE);
  const value = badgeValue(input);
  const labelText = textWidth(label);
  const valueText = textWidth(value);
  const left = labelText + 2 * PADDING;
  const right = valueText + 2 * PADDING;
  const width = left + right;
  const color = VERDICT_COLORS[input.verdict] ?? OTHER_COLOR;
  const summary = `Proving Ground certificate: ${label}, ${value}`;
  const href = `/certificates/${encodeURIComponent(input.certificateId)}`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${HEIGHT}" viewBox="0 0 ${width} ${HEIGHT}" role="img" aria-label="${escapeXml(summary)}">` +
    `<title>${escapeXml(summary)}</title>` +
    `<a href="${escapeXml(href)}">` +
    `<rect width="${width}" height="${HEIGHT}" rx="3" fill="${color}"/>` +
    `<path d="M3 0H${left}V${HEIGHT}H3A3 3 0 0 1 0 ${HEIGHT - 3}V3A3 3 0 0 1 3 0Z" fill="${LABEL_COLOR}"/>` +
    `<g fill="#ffffff" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="${FONT_SIZE}">` +
    `<text x="${PADDING}" y="14" textLength="${labelText}" lengthAdjust="spacingAndGlyphs">${escapeXml(label)}</text>` +
    `<text x="${left + PADDING}" y="14" textLength="${valueText}" lengthAdjust="spacingAndGlyphs">${escapeXml(value)}</text>` +
    '</g></a></svg>\n'
  );
}

/** The right-hand text: the verdict, then "speedup 1.42× (1.35–1.50)" when the certificate has a speedup. */
export function badgeValue(input: Pick<BadgeInput, 'verdict' | 'speedup' | 'speedupLow' | 'speedupHigh'>): string {
  if (!isNumber(input.speedup)) return input.verdict;
  const interval =
    isNumber(input.speedupLow) && isNumber(input.speedupHigh)
      ? ` (${formatSpeedup(input.speedupLow)}–${formatSpeedup(input.speedupHigh)})`
      : '';
  return `${input.verdict} · speedup ${formatSpeedup(input.speedup)}×${interval}`;
}

/** Two decimals, as the interval is read: 1.5 → "1.50". */
export function formatSpeedup(value: number): string {
  return value.toFixed(2);
}

/**
 * Estimated width in pixels of `text` in 11 px Verdana (wide for its size, so most fonts fit in
 * it), rounded up: narrow glyphs, wide glyphs, and full-width scripts (CJK, emoji) apart.
 */
export function textWidth(text: string): number {
  let width = 0;
  for (const char of text) width += charWidth(char);
  return Math.ceil(width);
}

function charWidth(char: string): number {
  const code = char.codePointAt(0)!;
  if (code >= 0x2e80) return 11;
  if (code > 0x7e) return 7.5;
  if ("ijlI.,:;!'|`".includes(char)) return 3.5;
  if ('ftr()[]{}- /\\"'.includes(char)) return 4.6;
  if ('mwMW@%'.includes(char)) return 10.5;
  if (char >= 'A' && char <= 'Z') return 7.7;
  if (char >= '0' && char <= '9') return 7;
  if (char >= 'a' && char <= 'z') return 6.7;
  return 7;
}

function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

function isNumber(value: number | null): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
