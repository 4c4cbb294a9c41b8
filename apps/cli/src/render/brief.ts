import { plainStyle, wrap, widthOf, type Style } from './text';

/**
 * A challenge brief (Markdown, as the catalog writes it) rendered for a terminal: paragraphs and
 * list items word-wrapped to `width`, headings underlined, tables aligned, code blocks indented
 * and left as they are. Inline markup is reduced to what reads well as plain text; links keep
 * their URL. Not a full CommonMark renderer: the catalog's briefs use headings, paragraphs,
 * lists, tables, code spans and blocks, emphasis and links.
 */
export function renderBrief(markdown: string, width: number, style: Style = plainStyle): string {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  const blank = () => out.length > 0 && out.at(-1) !== '' && out.push('');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i++;
      continue;
    }
    const fence = /^\s*(```|~~~)/.exec(line);
    if (fence) {
      blank();
      for (i++; i < lines.length && !lines[i]!.trimStart().startsWith(fence[1]!); i++) out.push(`    ${lines[i]}`);
      i++;
      blank();
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      blank();
      const text = wrap(inline(heading[2]!, plainStyle), width);
      out.push(...text.map((part) => style.bold(part)));
      const longest = Math.max(...text.map(widthOf));
      if (heading[1]!.length <= 2) out.push((heading[1]!.length === 1 ? '=' : '-').repeat(longest));
      out.push('');
      i++;
      continue;
    }
    if (line.trimStart().startsWith('|')) {
      const rows: string[][] = [];
      for (; i < lines.length && lines[i]!.trimStart().startsWith('|'); i++) {
        const cells = lines[i]!.trim()
          .replace(/^\||\|$/g, '')
          .split('|')
          .map((cell) => inline(cell.trim(), plainStyle));
        if (!cells.every((cell) => /^:?-+:?$/.test(cell))) rows.push(cells);
      }
      blank();
      out.push(...table(rows));
      blank();
      continue;
    }
    const item = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (item) {
      const [, indent, marker, first] = item;
      const text = [first!];
      for (i++; i < lines.length && continues(lines[i]!); i++) text.push(lines[i]!.trim());
      const depth = Math.floor(indent!.length / 2);
      const bullet = /\d/.test(marker!) ? `${marker} ` : '• ';
      const lead = '  '.repeat(depth);
      out.push(...wrap(inline(text.join(' '), style), width, lead + bullet, lead + ' '.repeat(bullet.length)));
      if (i < lines.length && lines[i]!.trim() === '') blank();
      continue;
    }
    if (line.startsWith('>')) {
      const text: string[] = [];
      for (; i < lines.length && lines[i]!.startsWith('>'); i++) text.push(lines[i]!.replace(/^>\s?/, ''));
      blank();
      out.push(...wrap(inline(text.join(' '), style), width, '│ '));
      blank();
      continue;
    }
    const paragraph: string[] = [];
    for (; i < lines.length && lines[i]!.trim() !== '' && !startsBlock(lines[i]!); i++) paragraph.push(lines[i]!.trim());
    out.push(...wrap(inline(paragraph.join(' '), style), width));
    blank();
  }
  while (out.at(-1) === '') out.pop();
  return out.join('\n');
}

/** A line that begins a new block (so it ends a paragraph or a list item). */
function startsBlock(line: string): boolean {
  return /^\s*(#{1,6}\s|```|~~~|\||>|[-*+]\s|\d+[.)]\s)/.test(line);
}

/** A line that continues the list item above: indented or lazy, not blank, not a new block. */
function continues(line: string): boolean {
  return line.trim() !== '' && !startsBlock(line);
}

/** Inline Markdown as terminal text: links keep their URL, code spans and emphasis lose their marks. */
function inline(text: string, style: Style): string {
  return text
    .replace(/!?\[([^\]]*)\]\(([^)\s]+)[^)]*\)/g, (_, label: string, url: string) => (label === url ? url : `${label} (${url})`))
    .replace(/<(https?:\/\/[^>]+)>/g, '$1')
    .replace(/\*\*([^*]+)\*\*|__([^_]+)__/g, (_, a: string | undefined, b: string | undefined) => style.bold(a ?? b ?? ''))
    .replace(/(^|[\s(])[*_]([^*_\s][^*_]*?)[*_](?=[\s).,;:!?]|$)/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\\([\\`*_{}[\]()#+\-.!|])/g, '$1');
}

function table(rows: string[][]): string[] {
  const columns = Math.max(...rows.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, c) => Math.max(...rows.map((row) => widthOf(row[c] ?? ''))));
  return rows.map((row, r) => {
    const text = widths
      .map((w, c) => (row[c] ?? '') + ' '.repeat(w - widthOf(row[c] ?? '')))
      .join('  ')
      .trimEnd();
    return r === 0 && rows.length > 1 ? `${text}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : text;
  });
}
