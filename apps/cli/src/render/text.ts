/** Width of a string on a terminal, counting code points (the catalog's text has no wide characters). */
export const widthOf = (text: string): number => [...text.replace(ANSI, '')].length;

// eslint-disable-next-line no-control-regex -- matching the escape sequences we write ourselves
const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * Word-wraps `text` to `width` columns; `first` prefixes the first line and `rest` the others
 * (hanging indents for list items). A word longer than a line (a URL) gets a line of its own.
 */
export function wrap(text: string, width: number, first = '', rest = first): string[] {
  const words = text.split(/\s+/).filter((word) => word.length > 0);
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of words) {
    const prefix = lines.length === 0 ? first : rest;
    if (!empty && widthOf(line) + 1 + widthOf(word) > width) {
      lines.push(line);
      line = rest + word;
    } else {
      line = empty ? prefix + word : `${line} ${word}`;
    }
    empty = false;
  }
  if (!empty) lines.push(line);
  return lines;
}

/** Cuts `text` to `width` columns with an ellipsis. */
export function truncate(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/** Styles for a terminal, or none (piped output, --json). */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
}

export const plainStyle: Style = { bold: (text) => text, dim: (text) => text };
export const ansiStyle: Style = { bold: (text) => `\x1b[1m${text}\x1b[22m`, dim: (text) => `\x1b[2m${text}\x1b[22m` };
