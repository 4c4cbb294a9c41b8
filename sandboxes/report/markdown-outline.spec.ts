import type { Nodes } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { MAX_PIECE_LINES, outlineMarkdown, type Outline } from './markdown-outline';

/**
 * The report is parsed in pieces (README.md, "Parsing untrusted Markdown"). For a report a person
 * writes, that must change nothing: the outline equals what one remark parse of the whole document
 * gives, including tables, code blocks and HTML comments longer than a piece.
 */

function outlined(markdown: string): Outline {
  const result = outlineMarkdown(markdown);
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result.outline;
}

/** The same facts, read from one parse of the whole document (recursively: the documents here are tame). */
function wholeDocument(markdown: string) {
  const tree = unified().use(remarkParse).use(remarkGfm).parse(markdown);
  const headings: { depth: number; text: string; line: number }[] = [];
  const rows = new Map<number, string[]>();
  const code: string[] = [];
  const paragraphs: { line: number; text: string }[] = [];
  const textOf = (node: Nodes): string =>
    node.type === 'text' ? node.value : 'children' in node ? node.children.map((child) => textOf(child)).join('') : '';
  const walk = (node: Nodes): void => {
    const line = node.position?.start.line ?? 0;
    if (node.type === 'heading') headings.push({ depth: node.depth, text: textOf(node).trim(), line });
    else if (node.type === 'tableRow')
      rows.set(
        line,
        node.children.map((cell) => textOf(cell)),
      );
    else if (node.type === 'code') code.push(node.value);
    else if (node.type === 'paragraph') paragraphs.push({ line, text: textOf(node) });
    if ('children' in node && node.type !== 'heading' && node.type !== 'paragraph') for (const child of node.children) walk(child);
  };
  walk(tree);
  return { headings, rows, code, paragraphs };
}

const lines = (count: number, line: (index: number) => string): string =>
  Array.from({ length: count }, (_, index) => line(index)).join('\n');

/** A long report with every construct that spans lines or blank lines, several longer than a piece. */
const LONG_REPORT = [
  '# Porting ResNet-50 to JAX',
  '',
  'Results',
  '=======',
  '',
  'The port runs **1.55×** as fast as the baseline, see [the table](#raw-rounds).',
  'A second line of the same paragraph: p50 latency 7.9 ms.',
  '',
  '> A quote that goes on',
  'lazily on the next line, 410 MiB peak memory.',
  '',
  '## Raw rounds',
  '',
  '| round | speedup | p50 latency |',
  '| ---: | :---: | --- |',
  lines(2 * MAX_PIECE_LINES + 50, (i) => `| ${i + 1} | ${(1.5 + (i % 10) / 100).toFixed(2)}x | ${(7 + (i % 20) / 10).toFixed(1)} ms |`),
  '',
  '## Method',
  '',
  '~~~python',
  lines(2 * MAX_PIECE_LINES + 30, (i) =>
    i % 50 === 7
      ? ''
      : i % 50 === 8
        ? '# Results (not a heading: this is code) 9x faster'
        : i % 50 === 9
          ? '```'
          : `x${i} = run(batch, seed=${i})  # *not* emphasis`,
  ),
  '~~~',
  '',
  '<!--',
  'A comment across blank lines:',
  '',
  '# Not a heading',
  '',
  'I hoped for 4x faster.',
  '-->',
  '',
  '1. Install the requirements.',
  '2. Run the benchmark:',
  '',
  '   ```bash',
  '   python bench.py --rounds 30',
  '',
  '   python bench.py --rounds 30 --seed 2',
  '   ```',
  '',
  '   - nested item, 12.3 ms before',
  '',
  '<details>',
  '<summary>Raw log</summary>',
  '',
  '</details>',
  '',
  '### Limitations',
  '',
  lines(3 * MAX_PIECE_LINES, (i) => (i % 4 === 3 ? '' : `Paragraph line ${i}, still fine at ${i} ms of latency.`)),
  '',
  'Reproduction',
  '------------',
  '',
  '    indented code 5x',
  '',
  '    more indented code',
].join('\n');

describe('outlineMarkdown parses in pieces without changing what a report means', () => {
  const pieces = outlined(LONG_REPORT);
  const whole = wholeDocument(LONG_REPORT);

  it('finds the same headings, with the same lines', () => {
    expect(pieces.headings).toEqual(whole.headings);
    expect(pieces.headings.map((heading) => heading.text)).toEqual([
      'Porting ResNet-50 to JAX',
      'Results',
      'Raw rounds',
      'Method',
      'Limitations',
      'Reproduction',
    ]);
  });

  it('reads every row of a table longer than a piece, under its own header, on its own line', () => {
    const cells = new Map<number, string[]>();
    for (const run of pieces.texts.filter((each) => each.source === 'table')) {
      const line = run.anchors[0]?.line;
      if (line === undefined) continue;
      cells.set(line, [...(cells.get(line) ?? []), run.text]);
    }
    expect(cells).toEqual(whole.rows);
    expect(cells.size).toBe(2 * MAX_PIECE_LINES + 51);
    const lastRow = pieces.texts.filter((run) => run.source === 'table').at(-1);
    expect(lastRow).toMatchObject({ header: 'p50 latency', row: expect.stringMatching(/^250 \| 1\.59x \| /) });
  });

  it('keeps a code block longer than a piece one block of code: nothing in it is a heading or text', () => {
    const blocks = pieces.code.filter((code) => !code.inline).map((code) => code.value);
    expect(blocks.join('\n')).toBe(whole.code.join('\n'));
    expect(pieces.texts.some((run) => run.text.includes('not a heading') || run.text.includes('hoped for'))).toBe(false);
  });

  it('reads the same prose, line for line', () => {
    const prose = pieces.texts.filter((run) => run.source === 'prose').map((run) => ({ line: run.anchors[0]?.line, text: run.text }));
    const expected = whole.paragraphs.map((paragraph) => ({ line: paragraph.line, text: paragraph.text }));
    expect(prose).toEqual(expected);
    expect(prose.length).toBeGreaterThan(70);
  });
});
