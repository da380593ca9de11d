/**
 * Plain-text tables: columns padded to their widest cell, numbers right-aligned, two spaces
 * between columns. A cell may carry a style (a colour) that is applied after padding, so colour
 * never shifts a column.
 */
export type Align = 'left' | 'right';

export interface StyledCell {
  text: string;
  style?: (text: string) => string;
}

export type Cell = string | StyledCell;

export interface TableOptions {
  align: readonly Align[];
  /** Prepended to every line (default two spaces). */
  indent?: string;
  /** Styles the header row (the first row) after padding. */
  headerStyle?: (text: string) => string;
}

function cellText(cell: Cell): string {
  return typeof cell === 'string' ? cell : cell.text;
}

/** Rows (the first one the header) as lines without trailing spaces. */
export function renderTable(rows: readonly (readonly Cell[])[], options: TableOptions): string[] {
  const indent = options.indent ?? '  ';
  const columns = Math.max(0, ...rows.map((row) => row.length));
  const widths: number[] = [];
  for (let column = 0; column < columns; column++) {
    widths.push(Math.max(0, ...rows.map((row) => (row[column] === undefined ? 0 : cellText(row[column]!).length))));
  }
  return rows.map((row, rowIndex) => {
    const parts: string[] = [];
    for (let column = 0; column < columns; column++) {
      const cell = row[column] ?? '';
      const text = cellText(cell);
      const align = options.align[column] ?? 'left';
      const last = column === columns - 1;
      const padded = align === 'right' ? text.padStart(widths[column]!) : last ? text : text.padEnd(widths[column]!);
      let styled = typeof cell === 'string' || cell.style === undefined ? padded : cell.style(padded);
      if (rowIndex === 0 && options.headerStyle !== undefined) styled = options.headerStyle(styled);
      parts.push(styled);
    }
    return `${indent}${parts.join('  ')}`.trimEnd();
  });
}

/** A Markdown pipe table; `align` right puts `---:` under the header. */
export function renderMarkdownTable(rows: readonly (readonly string[])[], align: readonly Align[]): string[] {
  const [header, ...body] = rows;
  if (header === undefined) return [];
  const escape = (text: string): string => text.replace(/\|/g, '\\|');
  const line = (cells: readonly string[]): string => `| ${cells.map(escape).join(' | ')} |`;
  const rule = `| ${header.map((_, column) => (align[column] === 'right' ? '---:' : '---')).join(' | ')} |`;
  return [line(header), rule, ...body.map(line)];
}
