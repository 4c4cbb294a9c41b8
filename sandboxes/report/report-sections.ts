import type { OutlineHeading } from './markdown-outline';

/**
 * The canonical sections of a report and the headings that provide each (README.md lists them).
 * Keys and synonyms are compared after {@link normaliseHeading}.
 */
export const SECTION_SYNONYMS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'Environment and prerequisites': [
    'Environment',
    'Setup',
    'Prerequisites',
    'Hardware and software',
    'Environment and prerequisites',
    'Environment and setup',
    'Test environment',
    'Set up',
    'Requirements',
    'Software and hardware',
    'Hardware',
    'Dependencies',
    'Installation',
  ],
  Method: ['Approach', 'Methodology', 'What I did', 'Changes', 'Method', 'Methods', 'What I changed', 'Implementation'],
  Results: ['Measurements', 'Findings', 'Benchmarks', 'Results', 'Result', 'Benchmark', 'Benchmark results', 'Evaluation'],
  Limitations: [
    'Caveats',
    'Threats to validity',
    'Where it does not hold',
    'Limitations',
    'Limitation',
    'Known limitations',
    "Where it doesn't hold",
  ],
  Reproduction: [
    'How to reproduce',
    'Reproduction steps',
    'Steps to reproduce',
    'Reproducing',
    'Reproduction',
    'Reproducibility',
    'To reproduce',
  ],
  'What failed and what I learned': [
    'What failed',
    'Lessons learned',
    'What did not work',
    'Failures',
    'What failed and what I learned',
    'What I learned',
    'Lessons learnt',
    "What didn't work",
    'Failed attempts',
  ],
});

/**
 * Lower case, Unicode-compatible forms folded (NFKC), `&` read as "and", apostrophes dropped
 * ("didn't" → "didnt"), every other character that is not a letter or digit a space, a leading
 * section number ("3.", "2.1 ") dropped, spaces collapsed.
 */
export function normaliseHeading(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .replace(/^\d+(?: \d+)* (?=\S)/u, '')
    .replace(/ +/g, ' ');
}

// Every name in the table (canonical or synonym) → its canonical section.
const CANONICAL = new Map<string, string>();
for (const [canonical, synonyms] of Object.entries(SECTION_SYNONYMS)) {
  for (const name of [canonical, ...synonyms]) CANONICAL.set(normaliseHeading(name), canonical);
}

/** The normalised names that satisfy a required section: all of its section's names when it is in the table, else only itself. */
export function acceptedNames(required: string): string[] {
  const canonical = CANONICAL.get(normaliseHeading(required));
  const names = canonical === undefined ? [required] : SECTION_SYNONYMS[canonical];
  return [...new Set(names.map(normaliseHeading).filter((name) => name !== ''))];
}

/** The canonical section a required name stands for ("Setup" → "Environment and prerequisites"), or null for a name outside the table. */
export function canonicalSection(required: string): string | null {
  return CANONICAL.get(normaliseHeading(required)) ?? null;
}

/**
 * The heading that provides a required section: the best match of any depth, in document order
 * within the best kind of match. Kinds, best first: the heading IS an accepted name ("Results"),
 * STARTS with one as whole words ("Results on CPU"), or CONTAINS one ("Known caveats").
 */
export function findSection(required: string, headings: readonly OutlineHeading[], normalised: readonly string[]): number | null {
  const names = acceptedNames(required);
  let best: number | null = null;
  let bestRank = 3;
  for (let index = 0; index < headings.length && bestRank > 0; index++) {
    const text = normalised[index];
    for (const name of names) {
      const rank = text === name ? 0 : text.startsWith(`${name} `) ? 1 : ` ${text} `.includes(` ${name} `) ? 2 : 3;
      if (rank < bestRank) {
        best = index;
        bestRank = rank;
      }
    }
  }
  return best;
}

/** The lines a heading's section spans: up to the next heading of the same or a higher level (exclusive), or the end. */
export function sectionEnd(headingIndex: number, headings: readonly OutlineHeading[]): number {
  const depth = headings[headingIndex].depth;
  for (let index = headingIndex + 1; index < headings.length; index++) if (headings[index].depth <= depth) return headings[index].line;
  return Number.POSITIVE_INFINITY;
}

/**
 * GitHub's heading anchors (github-slugger): lower case; characters other than letters, marks,
 * digits, `_`, `-` and spaces removed; each space a `-`; a repeated slug gets `-1`, `-2`, … in
 * document order (skipping any slug already taken).
 */
export function headingAnchors(texts: readonly string[]): string[] {
  const taken = new Map<string, number>();
  return texts.map((text) => {
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    let slug = base;
    while (taken.has(slug)) {
      const next = (taken.get(base) ?? 0) + 1;
      taken.set(base, next);
      slug = `${base}-${next}`;
    }
    taken.set(slug, 0);
    return slug;
  });
}
