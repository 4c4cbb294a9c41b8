import { truncate, widthOf } from './text';

export interface Column<T> {
  header: string;
  value(row: T): string;
  /** Right-aligned (numbers). */
  right?: boolean;
}

/**
 * A plain-text table: a header, then one line per row, columns two spaces apart. The last column
 * is cut to fit `width` (it is the free text: titles, teams).
 */
export function renderTable<T>(columns: Array<Column<T>>, rows: T[], width: number): string {
  const cells = rows.map((row) => columns.map((column) => column.value(row)));
  const widths = columns.map((column, i) => Math.max(widthOf(column.header), ...cells.map((line) => widthOf(line[i]!))));
  const fixed = widths.slice(0, -1).reduce((sum, w) => sum + w + 2, 0);
  widths[widths.length - 1] = Math.max(8, Math.min(widths.at(-1)!, width - fixed));
  const line = (values: string[]) =>
    values
      .map((value, i) => {
        const cut = truncate(value, widths[i]!);
        const pad = ' '.repeat(Math.max(0, widths[i]! - widthOf(cut)));
        if (i === values.length - 1 && !columns[i]!.right) return cut;
        return columns[i]!.right ? pad + cut : cut + pad;
      })
      .join('  ');
  return [line(columns.map((column) => column.header)), ...cells.map(line)].join('\n');
}
