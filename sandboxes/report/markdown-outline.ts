import type { Nodes, PhrasingContent, RootContent, Table } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';

/**
 * A report parsed with remark (remark-parse + remark-gfm) into the few things the checks read:
 * headings, tables, code, and the text in which numbers are claims. See README.md, "Parsing
 * untrusted Markdown", for why the report is parsed in pieces and what that changes (nothing, for a
 * report a person writes).
 */

/** Container markers (`>`, list items) one line may open. */
export const MAX_NESTING = 16;
/** Columns of indentation before a line's first container marker, outside code. */
export const MAX_MARKER_INDENT = 64;
/**
 * Container markers in the report, each weighted by its depth: a list item indented by n columns
 * counts 1 + n/2 (it sits about n/2 lists deep); inside fenced code only `>` counts.
 */
export const MAX_CONTAINER_WEIGHT = 20_000;
/** Lines in the report. */
export const MAX_LINES = 10_000;
/** Table cells in the report, counted as `|` outside fenced code. */
export const MAX_TABLE_CELLS = 10_000;
/** Columns of one table (its delimiter row). */
export const MAX_TABLE_COLUMNS = 100;
/** Inline markers (runs of `*`, `_`, `~`, backticks; every `[`, `]`, `<`, `&`) outside fenced code, in the report and on one line. */
export const MAX_INLINE_MARKERS = 10_000;
export const MAX_LINE_MARKERS = 500;
/** Characters the parser scans looking for the end of inline code that never ends (unmatched backticks), in the report. */
export const MAX_CODE_SPAN_SCAN = 4_000_000;
/** Lines per parsed piece. */
export const MAX_PIECE_LINES = 100;
/** Inline markers per parsed piece. */
export const MAX_PIECE_MARKERS = 200;

/** Stands for inline content that is not text (inline code, images, HTML, autolinks) in a TextRun. */
export const NOT_TEXT = '\uFFFC';

export interface OutlineHeading {
  depth: 1 | 2 | 3 | 4 | 5 | 6;
  /** As rendered: text, inline code and link text, without markup. */
  text: string;
  line: number;
}

export interface OutlineCode {
  line: number;
  /** Inline code (`…`) or a block (fenced or indented). */
  inline: boolean;
  value: string;
}

/** Claim-eligible text: the text nodes of one paragraph, heading or table cell, in order. */
export interface TextRun {
  source: 'prose' | 'heading' | 'table';
  /** Text nodes joined; anything else inline (code, images, HTML, autolinks) is NOT_TEXT. */
  text: string;
  /** Where each text node starts: offset in `text` and its line. Newlines in `text` advance the line. */
  anchors: { offset: number; line: number }[];
  /** For a table cell: the rendered text of the whole row and of the column's header cell. */
  row?: string;
  header?: string;
}

export interface Outline {
  headings: OutlineHeading[];
  /** The line of each table's first row (a table cut into pieces counts once per piece). */
  tables: number[];
  code: OutlineCode[];
  texts: TextRun[];
}

export type OutlineResult =
  { ok: true; outline: Outline } | { ok: false; code: 'REPORT_TOO_COMPLEX' | 'REPORT_UNPARSABLE'; message: string };

/**
 * GFM's literal autolinks (`www.x.com`, bare URLs and e-mail addresses) are not parsed: the checks
 * do not need them, and they cost a fifth of the parse (an attempt at every word, then a pass over
 * the whole tree). URLs stay text; the claim scanner skips them.
 */
function withoutLiteralAutolinks(this: ReturnType<typeof unified>): void {
  const data = this.data();
  (data.micromarkExtensions ??= []).push({ disable: { null: ['wwwAutolink', 'protocolAutolink', 'emailAutolink'] } });
  data.fromMarkdownExtensions = (data.fromMarkdownExtensions ?? []).map((extensions) =>
    Array.isArray(extensions) ? extensions.filter((extension) => !extension.enter?.literalAutolink) : extensions,
  );
}

const processor = unified().use(remarkParse).use(remarkGfm).use(withoutLiteralAutolinks).freeze();

interface Piece {
  /** Report line (1-based) of the first real line. */
  startLine: number;
  /** Lines repeated from before a cut, so that a cut code block, HTML block or table stays one. */
  virtual: string[];
  lines: string[];
  markers: number;
  /** Starts after a blank line at the top level: joining it to the previous piece changes nothing. */
  natural: boolean;
}

interface Fence {
  opener: string;
  marker: '`' | '~';
  length: number;
  quotes: number;
  /** Column of the fence marker after the block-quote markers (list-item content must stay at it). */
  column: number;
  /**
   * Opened at most 3 columns in (after block-quote markers), where micromark surely opens a fence
   * too. Deeper, it may be indented code or a paragraph's continuation for micromark, so the lines
   * of such a "fence" are still counted against the limits.
   */
  certain: boolean;
}

interface HtmlBlock {
  opener: string;
  /** Text that ends the block (types 1–5), or null: it ends at a blank line (types 6 and 7). */
  end: RegExp | null;
}

type TooComplex = { ok: false; code: 'REPORT_TOO_COMPLEX'; message: string };
const tooComplex = (message: string): TooComplex => ({ ok: false, code: 'REPORT_TOO_COMPLEX', message });
const count = (value: number): string => value.toLocaleString('en-US');

/** Parses `markdown` (already checked for size and emptiness) into an outline. */
export function outlineMarkdown(markdown: string): OutlineResult {
  const cut = cutIntoPieces(markdown);
  if (!cut.ok) return cut;
  const outline: Outline = { headings: [], tables: [], code: [], texts: [] };
  for (const piece of cut.pieces) {
    let tree: Nodes;
    try {
      const text = piece.virtual.concat(piece.lines).join('\n');
      tree = processor.parse(text);
    } catch (error) {
      if (error instanceof RangeError) {
        return {
          ok: false,
          code: 'REPORT_UNPARSABLE',
          message: `The Markdown parser ran out of stack on lines ${piece.startLine}–${piece.startLine + piece.lines.length - 1}: simplify their structure (nesting, emphasis, links) and submit again.`,
        };
      }
      throw error;
    }
    collectOutline(tree, piece, outline);
  }
  return { ok: true, outline };
}

// ---------------------------------------------------------------------------------------------
// Cutting the report into pieces (a line scan; no regular expression here can backtrack badly)
// ---------------------------------------------------------------------------------------------

function cutIntoPieces(markdown: string): { ok: true; pieces: Piece[] } | TooComplex {
  const lines = markdown.split(/\r\n|\r|\n/);
  if (lines.length > MAX_LINES) {
    return tooComplex(
      `The report has ${count(lines.length)} lines; at most ${count(MAX_LINES)} are accepted. Shorten it: long logs and raw outputs belong in the source archive, not the report.`,
    );
  }
  const pieces: Piece[] = [];
  let piece: Piece | null = null;
  let fence: Fence | null = null;
  let html: HtmlBlock | null = null;
  let table: [string, string] | null = null;
  let previousBlank = true;
  let previousLine = '';
  let cells = 0;
  let markers = 0;
  let containerWeight = 0;

  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    const lineNumber = index + 1;
    const blank = isBlank(line);
    const prefix = containerPrefix(line);
    if (prefix.markers > MAX_NESTING) {
      return tooComplex(
        `Line ${lineNumber} opens more than ${MAX_NESTING} block quotes or list items inside each other; at most ${MAX_NESTING} are accepted. Flatten the nesting: a report needs two or three levels.`,
      );
    }
    // A fence inside a list item ends with the item: at a line indented less than the fence.
    if (fence !== null && !blank) {
      const quoted = quotePrefix(line);
      if (quoted.quotes < fence.quotes || (fence.column > 0 && quoted.indent < fence.column)) fence = null;
    }
    containerWeight += fence?.certain ? quotePrefix(line).quotes : prefix.weight;
    if (containerWeight > MAX_CONTAINER_WEIGHT) {
      return tooComplex(
        `The report nests block quotes and lists more than a report needs: past line ${lineNumber} they add up to more than ${count(MAX_CONTAINER_WEIGHT)} levels (each line counts the levels it opens or continues). Use fewer levels, or plain paragraphs.`,
      );
    }
    let lineMarkers = 0;
    if (fence === null || !fence.certain) {
      if (prefix.markers > 0 && prefix.firstMarkerColumn > MAX_MARKER_INDENT) {
        return tooComplex(
          `Line ${lineNumber} starts a list item or block quote after ${prefix.firstMarkerColumn} columns of indentation, nested far deeper than a report needs; at most ${MAX_MARKER_INDENT} columns are accepted outside code blocks. Reduce the indentation, or put the text in a fenced code block.`,
        );
      }
      lineMarkers = countMarkers(line);
      if (lineMarkers > MAX_LINE_MARKERS) {
        return tooComplex(
          `Line ${lineNumber} has ${count(lineMarkers)} emphasis, link and code markers (\`*\`, \`_\`, \`~\`, backticks, \`[\`, \`]\`, \`<\`, \`&\`); at most ${MAX_LINE_MARKERS} per line are accepted outside code blocks. Put such text in a fenced code block.`,
        );
      }
      markers += lineMarkers;
      if (markers > MAX_INLINE_MARKERS) {
        return tooComplex(
          `The report has more than ${count(MAX_INLINE_MARKERS)} emphasis, link and code markers (\`*\`, \`_\`, \`~\`, backticks, \`[\`, \`]\`, \`<\`, \`&\`) outside code blocks (line ${lineNumber} passes the limit). Put such text in a fenced code block.`,
        );
      }
      cells += countPipes(line);
      if (cells > MAX_TABLE_CELLS) {
        return tooComplex(
          `The report has more than ${count(MAX_TABLE_CELLS)} table cells (counted as \`|\` outside code blocks; line ${lineNumber} passes the limit). Summarise: a results table needs tens of rows, not thousands.`,
        );
      }
    }

    const natural = index > 0 && previousBlank && !blank && fence === null && html === null && line[0] !== ' ' && line[0] !== '\t';
    if (piece === null || natural) {
      piece = { startLine: lineNumber, virtual: [], lines: [], markers: 0, natural: piece !== null };
      pieces.push(piece);
    } else if (piece.lines.length >= MAX_PIECE_LINES || (piece.markers > 0 && piece.markers + lineMarkers > MAX_PIECE_MARKERS)) {
      const virtual = fence !== null ? [fence.opener] : html !== null ? [html.opener] : table !== null ? [...table] : [];
      piece = { startLine: lineNumber, virtual, lines: [], markers: 0, natural: false };
      pieces.push(piece);
    }
    piece.lines.push(line);
    piece.markers += lineMarkers;

    // The state after this line.
    if (fence !== null) {
      if (closesFence(line, fence)) fence = null;
    } else if (html !== null) {
      if (html.end === null ? blank : html.end.test(line)) html = null;
    } else if (blank) {
      table = null;
    } else {
      const opened = opensFence(line, prefix);
      if (opened !== null) {
        fence = opened;
        table = null;
      } else {
        const block =
          prefix.markers === 0 && prefix.contentColumn <= 3 ? opensHtmlBlock(line.slice(prefix.contentIndex), previousBlank) : null;
        if (block !== null) {
          if (block.end === null || !block.end.test(line.slice(prefix.contentIndex + 1))) html = { opener: line, end: block.end };
          table = null;
        } else if (!previousBlank && previousLine.includes('|')) {
          const columns = delimiterRowColumns(line);
          if (columns > MAX_TABLE_COLUMNS) {
            return tooComplex(
              `The table on line ${lineNumber - 1} has ${count(columns)} columns; at most ${MAX_TABLE_COLUMNS} are accepted. Split it, or turn it around (one row per measurement).`,
            );
          }
          if (columns > 0) table = [previousLine, line];
        }
      }
    }
    previousBlank = blank;
    previousLine = line;
  }

  // Join pieces that start after a blank line to the one before, up to the limits: fewer parses.
  const joined: Piece[] = [];
  for (const next of pieces) {
    const last = joined.at(-1);
    if (
      last !== undefined &&
      next.natural &&
      last.lines.length + next.lines.length <= MAX_PIECE_LINES &&
      last.markers + next.markers <= MAX_PIECE_MARKERS
    ) {
      for (const line of next.lines) last.lines.push(line);
      last.markers += next.markers;
    } else {
      joined.push(next);
    }
  }
  let scanned = 0;
  for (const each of joined) {
    scanned += codeSpanScan(each.lines);
    if (scanned > MAX_CODE_SPAN_SCAN) {
      return tooComplex(
        `Lines ${each.startLine}–${each.startLine + each.lines.length - 1} hold backtick runs that never close (inline code that does not end); the report has too many of them to parse. Close each \`inline code\` span, or put the text in a fenced code block.`,
      );
    }
  }
  return { ok: true, pieces: joined };
}

function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) if (line[i] !== ' ' && line[i] !== '\t') return false;
  return true;
}

const advance = (column: number, char: string): number => (char === '\t' ? column + 4 - (column % 4) : column + 1);

interface ContainerPrefix {
  /** Block-quote and list-item markers at the start of the line (stops counting past MAX_NESTING). */
  markers: number;
  /** Column of the first marker, -1 without one. */
  firstMarkerColumn: number;
  /** Markers, plus half the columns before the first one (how deep an indented list item sits). */
  weight: number;
  /** Where the content after the markers and their whitespace starts, and its column. */
  contentIndex: number;
  contentColumn: number;
}

function containerPrefix(line: string): ContainerPrefix {
  let index = 0;
  let column = 0;
  let markers = 0;
  let firstMarkerColumn = -1;
  while (markers <= MAX_NESTING) {
    while (index < line.length && (line[index] === ' ' || line[index] === '\t')) column = advance(column, line[index++]);
    const char = line[index];
    let width = 0;
    if (char === '>') {
      width = 1;
    } else if ((char === '-' || char === '+' || char === '*') && isSpaceOrEnd(line, index + 1)) {
      // `- - -` and `* * *` are thematic breaks, not lists.
      if (char !== '+' && isThematicBreak(line, index, char)) break;
      width = 1;
    } else if (char !== undefined && char >= '0' && char <= '9') {
      let end = index;
      while (end < line.length && end - index < 9 && line[end] >= '0' && line[end] <= '9') end++;
      if ((line[end] === '.' || line[end] === ')') && isSpaceOrEnd(line, end + 1)) width = end + 1 - index;
    }
    if (width === 0) break;
    if (firstMarkerColumn < 0) firstMarkerColumn = column;
    markers++;
    index += width;
    column += width;
  }
  const weight = markers === 0 ? 0 : markers + Math.floor(firstMarkerColumn / 2);
  return { markers, firstMarkerColumn, weight, contentIndex: index, contentColumn: column };
}

function isSpaceOrEnd(line: string, index: number): boolean {
  return index >= line.length || line[index] === ' ' || line[index] === '\t';
}

function isThematicBreak(line: string, from: number, marker: string): boolean {
  let count = 0;
  for (let i = from; i < line.length; i++) {
    if (line[i] === marker) count++;
    else if (line[i] !== ' ' && line[i] !== '\t') return false;
  }
  return count >= 3;
}

/** Leading block-quote markers, and the indentation (columns) of what follows them. */
function quotePrefix(line: string): { quotes: number; index: number; indent: number } {
  let index = 0;
  let quotes = 0;
  for (;;) {
    let probe = index;
    while (probe < line.length && probe - index < 4 && line[probe] === ' ') probe++;
    if (line[probe] !== '>' || quotes > MAX_NESTING) break;
    quotes++;
    index = probe + 1;
    if (line[index] === ' ') index++;
  }
  let column = 0;
  let probe = index;
  while (probe < line.length && (line[probe] === ' ' || line[probe] === '\t')) column = advance(column, line[probe++]);
  return { quotes, index, indent: column };
}

function opensFence(line: string, prefix: ContainerPrefix): Fence | null {
  const marker = line[prefix.contentIndex];
  if (marker !== '`' && marker !== '~') return null;
  let end = prefix.contentIndex;
  while (line[end] === marker) end++;
  const length = end - prefix.contentIndex;
  // An info string after backticks may not hold a backtick (it would be inline code).
  if (length < 3 || (marker === '`' && line.indexOf('`', end) >= 0)) return null;
  const quoted = quotePrefix(line);
  let quoteColumn = 0;
  for (let i = 0; i < quoted.index; i++) quoteColumn = advance(quoteColumn, line[i]);
  return {
    opener: line,
    marker,
    length,
    quotes: quoted.quotes,
    column: Math.max(0, prefix.contentColumn - quoteColumn),
    certain: quoted.indent <= 3,
  };
}

function closesFence(line: string, fence: Fence): boolean {
  const quoted = quotePrefix(line);
  let index = quoted.index;
  while (line[index] === ' ' || line[index] === '\t') index++;
  let end = index;
  while (line[end] === fence.marker) end++;
  return end - index >= fence.length && isBlank(line.slice(end));
}

const HTML_BLOCK_NAMES = new Set(
  (
    'address article aside base basefont blockquote body caption center col colgroup dd details dialog dir div dl dt fieldset ' +
    'figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 head header hr html iframe legend li link main menu menuitem ' +
    'nav noframes ol optgroup option p param search section summary table tbody td tfoot th thead title tr track ul'
  ).split(' '),
);

/** CommonMark's HTML block start conditions (types 1–7), on the line's content. */
function opensHtmlBlock(content: string, previousBlank: boolean): { end: RegExp | null } | null {
  if (content[0] !== '<') return null;
  const raw = /^<(script|pre|style|textarea)(?=[\s>]|$)/i.exec(content);
  if (raw) return { end: new RegExp(`</${raw[1]}>`, 'i') };
  if (content.startsWith('<!--')) return { end: /-->/ };
  if (content.startsWith('<?')) return { end: /\?>/ };
  if (content.startsWith('<![CDATA[')) return { end: /\]\]>/ };
  if (/^<![A-Za-z]/.test(content)) return { end: />/ };
  const name = /^<\/?([A-Za-z][A-Za-z0-9-]*)(?=[\s/>]|$)/.exec(content);
  if (name && HTML_BLOCK_NAMES.has(name[1].toLowerCase())) return { end: null };
  // Type 7 (a complete tag alone on its line) cannot interrupt a paragraph.
  if (previousBlank && content.length <= 1000 && /^<\/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?\/?>\s*$/.test(content)) return { end: null };
  return null;
}

/** The columns of a GFM table's delimiter row (`| --- | :-: |`, after block-quote markers), 0 when the line is not one. */
function delimiterRowColumns(line: string): number {
  const quoted = quotePrefix(line);
  if (quoted.indent > 3) return 0;
  const cells = line.slice(quoted.index).trim().split('|');
  if (cells.length < 2) return 0;
  if (cells[0].trim() === '') cells.shift();
  if (cells.length > 0 && cells[cells.length - 1].trim() === '') cells.pop();
  if (cells.length === 0) return 0;
  return cells.every((cell) => /^:?-+:?$/.test(cell.trim())) ? cells.length : 0;
}

/** Runs of `*`, `_`, `~` and backticks, and every `[`, `]`, `<` and `&`: where inline parsing does work. */
function countMarkers(line: string): number {
  let markers = 0;
  let previous = '';
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (char === '[' || char === ']' || char === '<' || char === '&') markers++;
    else if ((char === '*' || char === '_' || char === '~' || char === '`') && char !== previous) markers++;
    previous = char;
  }
  return markers;
}

function countPipes(line: string): number {
  let pipes = 0;
  for (let i = line.indexOf('|'); i >= 0; i = line.indexOf('|', i + 1)) pipes++;
  return pipes;
}

/**
 * What micromark scans to match inline code in a piece, as if it were one paragraph (an upper
 * bound): an opening run of n backticks scans forward to the next run of exactly n, or to the end
 * when there is none. Matched spans cost their length; an unmatched run costs the rest of the piece.
 */
function codeSpanScan(lines: string[]): number {
  const text = lines.join('\n');
  const starts: number[] = [];
  const lengths: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '`') continue;
    let end = i;
    while (text[end] === '`') end++;
    starts.push(i);
    lengths.push(end - i);
    i = end - 1;
  }
  // next[k]: the next run after k with the same length, or -1.
  const next = new Array<number>(starts.length).fill(-1);
  const seen = new Map<number, number>();
  for (let k = starts.length - 1; k >= 0; k--) {
    next[k] = seen.get(lengths[k]) ?? -1;
    seen.set(lengths[k], k);
  }
  let cost = 0;
  for (let k = 0; k < starts.length;) {
    if (next[k] >= 0) {
      cost += starts[next[k]] - starts[k];
      k = next[k] + 1;
    } else {
      cost += text.length - starts[k];
      k++;
    }
  }
  return cost;
}

// ---------------------------------------------------------------------------------------------
// Reading the tree (iteratively: nesting in the tree is bounded, but not by much)
// ---------------------------------------------------------------------------------------------

function collectOutline(tree: Nodes, piece: Piece, outline: Outline): void {
  const virtualLines = piece.virtual.length;
  const lineOf = (node: Nodes): number => {
    const line = node.position?.start.line ?? 1;
    return line > virtualLines ? piece.startLine + line - virtualLines - 1 : piece.startLine;
  };
  const isVirtual = (node: Nodes): boolean => (node.position?.start.line ?? 1) <= virtualLines;

  const pending: Nodes[] = [tree];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    switch (node.type) {
      case 'heading': {
        const { rendered, run } = collectPhrasing(node.children, 'heading', lineOf, outline);
        if (!isVirtual(node)) {
          outline.headings.push({ depth: node.depth, text: rendered.trim(), line: lineOf(node) });
          outline.texts.push(run);
        }
        break;
      }
      case 'paragraph': {
        const { run } = collectPhrasing(node.children, 'prose', lineOf, outline);
        if (!isVirtual(node)) outline.texts.push(run);
        break;
      }
      case 'table':
        collectTable(node, isVirtual, lineOf, outline);
        break;
      case 'code':
        outline.code.push({ line: lineOf(node), inline: false, value: node.value });
        break;
      case 'html':
      case 'thematicBreak':
      case 'definition':
        break;
      default:
        if ('children' in node) pushChildren(pending, node.children);
    }
  }
}

function pushChildren(pending: Nodes[], children: readonly (RootContent | PhrasingContent)[]): void {
  for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]);
}

function collectTable(table: Table, isVirtual: (node: Nodes) => boolean, lineOf: (node: Nodes) => number, outline: Outline): void {
  const firstReal = table.children.find((row) => !isVirtual(row));
  if (firstReal === undefined) return;
  outline.tables.push(lineOf(firstReal));
  // A repeated header (the table was cut) gives the columns their names but records nothing.
  const rows = table.children.map((row) =>
    row.children.map((cell) => collectPhrasing(cell.children, 'table', lineOf, isVirtual(row) ? null : outline)),
  );
  const header = rows[0] ?? [];
  rows.forEach((cells, rowIndex) => {
    if (isVirtual(table.children[rowIndex])) return;
    const rowText = cells.map((cell) => cell.rendered).join(' | ');
    cells.forEach(({ run }, column) => {
      run.row = rowText;
      run.header = rowIndex === 0 ? '' : (header[column]?.rendered ?? '');
      outline.texts.push(run);
    });
  });
}

function isAutolink(node: Extract<Nodes, { type: 'link' }>): boolean {
  const only = node.children.length === 1 ? node.children[0] : null;
  if (only === null || only.type !== 'text') return false;
  const url = node.url;
  return url === only.value || url === `mailto:${only.value}` || url === `http://${only.value}` || url === `https://${only.value}`;
}

/** The text of inline content: `rendered` as a reader sees it, and the claim-eligible TextRun. */
function collectPhrasing(
  children: PhrasingContent[],
  source: TextRun['source'],
  lineOf: (node: Nodes) => number,
  outline: Outline | null,
): { rendered: string; run: TextRun } {
  let rendered = '';
  const run: TextRun = { source, text: '', anchors: [] };
  const pending: Nodes[] = [];
  pushChildren(pending, children);
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    switch (node.type) {
      case 'text':
        run.anchors.push({ offset: run.text.length, line: lineOf(node) });
        run.text += node.value;
        rendered += node.value;
        break;
      case 'inlineCode':
        outline?.code.push({ line: lineOf(node), inline: true, value: node.value });
        run.text += NOT_TEXT;
        rendered += node.value;
        break;
      case 'break':
        run.text += '\n';
        rendered += ' ';
        break;
      case 'link':
        if (isAutolink(node)) {
          run.text += NOT_TEXT;
          rendered += (node.children[0] as { value: string }).value;
        } else {
          pushChildren(pending, node.children);
        }
        break;
      case 'image':
      case 'imageReference':
      case 'html':
      case 'footnoteReference':
        run.text += NOT_TEXT;
        break;
      default:
        if ('children' in node) pushChildren(pending, node.children as PhrasingContent[]);
    }
  }
  return { rendered, run };
}
