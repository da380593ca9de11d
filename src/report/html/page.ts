/**
 * The HTML page every report shares: one self-contained file (inline CSS, inline SVG charts, no
 * script, no font or style from anywhere else), which a Content-Security-Policy of `default-src
 * 'none'` also tells the browser, so the page cannot reach a network even by mistake. Fonts are
 * the system's. Nothing in the page depends on when or where it was made: the same data gives the
 * same bytes.
 *
 * Pure helpers: strings in, strings out; every text from the data goes through `escapeHtml`.
 */

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** System fonts only: nothing is downloaded. */
export const FONT_STACK = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", sans-serif';
/**
 * The charts' fonts: system fonts that share Helvetica's widths first (macOS, Windows, most Linux
 * desktops have one), because Vega lays a chart out in Node from those widths (text-width.ts).
 */
export const CHART_FONT_STACK = '"Helvetica Neue", Helvetica, Arial, "Liberation Sans", "Nimbus Sans", system-ui, sans-serif';
export const MONO_STACK = 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace';

const STYLE = `
:root { color-scheme: light; --ink: #111827; --muted: #6b7280; --line: #e5e7eb; --panel: #f9fafb; --accent: #2563eb; --good: #15803d; --bad: #b91c1c; }
* { box-sizing: border-box; }
body { margin: 0; font-family: ${FONT_STACK}; color: var(--ink); background: #fff; font-size: 14px; line-height: 1.45; }
header, main, footer { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; font-weight: 650; }
h2 { font-size: 16px; margin: 28px 0 10px; font-weight: 650; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
p { margin: 6px 0; }
.lede { color: var(--muted); margin: 0; }
.note { color: var(--muted); font-size: 13px; }
.warning { background: #fef3c7; border: 1px solid #f59e0b; border-radius: 6px; padding: 8px 12px; margin: 12px 0; }
.verdict { font-size: 15px; font-weight: 600; margin: 12px 0 0; }
.verdict.pass { color: var(--good); }
.verdict.fail { color: var(--bad); }
code, .mono { font-family: ${MONO_STACK}; font-size: 12.5px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px; margin: 16px 0 4px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; }
.card .label { color: var(--muted); font-size: 12px; }
.card .value { font-size: 19px; font-weight: 650; font-variant-numeric: tabular-nums; white-space: nowrap; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr)); gap: 14px; align-items: start; }
figure.chart { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 8px; background: #fff; overflow-x: auto; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
figure.chart figcaption { color: var(--muted); font-size: 12px; padding: 2px 4px 0; }
table { border-collapse: collapse; margin: 6px 0 12px; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { font-weight: 600; background: var(--panel); font-size: 13px; }
td.num, th.num { text-align: right; }
tr.fail td { color: var(--bad); }
tr.pass td:last-child { color: var(--good); }
.table-wrap { overflow-x: auto; }
footer { color: var(--muted); font-size: 12px; margin-top: 28px; padding-bottom: 24px; border-top: 1px solid var(--line); padding-top: 10px; }
@media print { .charts { grid-template-columns: 1fr; } figure.chart { break-inside: avoid; } }
`;

export interface Card {
  label: string;
  value: string;
}

export interface PageInput {
  /** The <title> and <h1>. */
  title: string;
  /** One line under the title (seed, fidelity...). */
  lede: string;
  /** Already-built HTML of the page's body, in order. */
  body: string[];
  /** One line at the bottom (what made the page; no date: the data has none). */
  footer: string;
}

export function renderPage(page: PageInput): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // Nothing may load: no script, font, image or style from outside the page.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(page.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${escapeHtml(page.title)}</h1>`,
    `<p class="lede">${escapeHtml(page.lede)}</p>`,
    '</header>',
    '<main>',
    ...page.body,
    '</main>',
    `<footer>${escapeHtml(page.footer)}</footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export function section(title: string, ...content: string[]): string {
  return [`<section>`, `<h2>${escapeHtml(title)}</h2>`, ...content, `</section>`].join('\n');
}

export function paragraph(text: string, className?: string): string {
  return `<p${className === undefined ? '' : ` class="${className}"`}>${escapeHtml(text)}</p>`;
}

export function cards(items: readonly Card[]): string {
  const cells = items.map((c) => `<div class="card"><div class="label">${escapeHtml(c.label)}</div><div class="value">${escapeHtml(c.value)}</div></div>`);
  return `<div class="cards">\n${cells.join('\n')}\n</div>`;
}

/** A rendered chart (inline SVG) with its caption. */
export function chartFigure(id: string, svg: string, caption: string): string {
  return `<figure class="chart" id="${escapeHtml(id)}">\n${svg}\n<figcaption>${escapeHtml(caption)}</figcaption>\n</figure>`;
}

export function chartGrid(figures: readonly string[]): string {
  return `<div class="charts">\n${figures.join('\n')}\n</div>`;
}

export type ColumnAlign = 'left' | 'right';

export interface TableRow {
  cells: readonly string[];
  /** A class for the row, e.g. `pass` or `fail`. */
  className?: string;
}

/** A table: the header, then rows of text (escaped); right-aligned columns get the `num` class. */
export function table(header: readonly string[], rows: readonly (readonly string[] | TableRow)[], align: readonly ColumnAlign[]): string {
  const cls = (column: number) => (align[column] === 'right' ? ' class="num"' : '');
  const head = `<tr>${header.map((h, i) => `<th${cls(i)}>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = rows.map((row) => {
    const cells = 'cells' in row ? row.cells : (row as readonly string[]);
    const rowClass = 'cells' in row && row.className !== undefined ? ` class="${row.className}"` : '';
    return `<tr${rowClass}>${cells.map((c, i) => `<td${cls(i)}>${escapeHtml(c)}</td>`).join('')}</tr>`;
  });
  return `<div class="table-wrap"><table>\n<thead>${head}</thead>\n<tbody>\n${body.join('\n')}\n</tbody>\n</table></div>`;
}
