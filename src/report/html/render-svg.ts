/**
 * Vega-Lite specs to SVG text, in Node, with no browser and no network: vega-lite compiles a spec
 * to a Vega spec, and a headless Vega view (renderer 'none') writes the scenegraph as SVG.
 *
 * Deterministic: the same specs give the same bytes in any process. Vega numbers clip paths from
 * a counter global to the process (`clip1`, `clip2`...), so the ids of each chart are renamed in
 * order of appearance with the chart's own prefix: the ids depend only on the chart, and two
 * charts on one page never share an id. Without node-canvas (not installed, on purpose: it is a
 * native build) Vega estimates text widths from the font size, which is also deterministic.
 *
 * vega and vega-lite are loaded on first use: they take about a second to load, which only the
 * commands that write an HTML report should pay.
 */
import type { TopLevelSpec } from 'vega-lite';
import { chartFigure, chartGrid, paragraph } from './page.js';
import { estimateTextWidth } from './text-width.js';

/** A problem in a chart's spec or data is our bug, not the user's: this names the chart. */
export class ChartRenderError extends Error {
  constructor(chartId: string, problems: readonly string[]) {
    super(`chart ${chartId}: ${problems.join('; ')}`);
    this.name = 'ChartRenderError';
  }
}

type VegaModule = typeof import('vega');
type VegaLiteModule = typeof import('vega-lite');

let libraries: Promise<{ vega: VegaModule; vegaLite: VegaLiteModule }> | undefined;

/** The part of vega-scenegraph's `textMetrics` we set (vega's typings do not declare it). */
interface TextMetrics {
  width: (item: object, text?: unknown) => number;
}

function loadLibraries(): Promise<{ vega: VegaModule; vegaLite: VegaLiteModule }> {
  libraries ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vegaLite]) => {
    // Vega's own guess without a canvas is 1.5 times too wide (text-width.ts); one shared setting.
    (vega as unknown as { textMetrics: TextMetrics }).textMetrics.width = estimateTextWidth;
    return { vega, vegaLite };
  });
  return libraries;
}

/** Collects what vega-lite or vega would print, so a warning fails the render instead. */
function collectingLogger(problems: string[]) {
  let level = 0;
  const logger = {
    level(value?: number): any {
      if (value === undefined) return level;
      level = value;
      return logger;
    },
    error(...args: readonly unknown[]) {
      problems.push(`error: ${args.map(String).join(' ')}`);
      return logger;
    },
    warn(...args: readonly unknown[]) {
      problems.push(`warning: ${args.map(String).join(' ')}`);
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger;
}

/**
 * Renames every `id="..."` of an SVG (and its `url(#...)` and `href="#..."` references) to
 * `<prefix>-1`, `<prefix>-2`... in order of first appearance.
 */
export function renameSvgIds(svg: string, prefix: string): string {
  const names = new Map<string, string>();
  for (const match of svg.matchAll(/\sid="([^"]+)"/g)) {
    if (!names.has(match[1]!)) names.set(match[1]!, `${prefix}-${names.size + 1}`);
  }
  if (names.size === 0) return svg;
  return svg
    .replace(/(\sid=")([^"]+)(")/g, (whole, open: string, id: string, close: string) => `${open}${names.get(id) ?? id}${close}`)
    .replace(/url\(#([^)]+)\)/g, (whole, id: string) => (names.has(id) ? `url(#${names.get(id)})` : whole))
    .replace(/(href=")#([^"]+)(")/g, (whole, open: string, id: string, close: string) => (names.has(id) ? `${open}#${names.get(id)}${close}` : whole));
}

/**
 * The root element as inline SVG in HTML: the HTML parser puts `<svg>` in the SVG namespace by
 * itself, so the namespace declarations (URLs that a reader might take for a network reference)
 * are dropped; `role="img"` and the label make the chart an image with a name to a screen reader.
 */
function inlineSvg(svg: string, label: string): string {
  const escaped = label.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return svg
    .replace(/^<svg\b([^>]*)>/, (whole, attributes: string) => {
      const kept = attributes.replace(/\s+xmlns(:\w+)?="[^"]*"/g, '').replace(/\s+version="[^"]*"/, '');
      return `<svg${kept} role="img" aria-label="${escaped}">`;
    })
    .trim();
}

/** One chart: its spec, an id unique in the page (used to prefix the SVG's ids) and a label. */
export interface ChartInput {
  id: string;
  /** What a screen reader announces; usually the title. */
  label: string;
  spec: TopLevelSpec;
}

/** Renders one chart to inline SVG. Throws ChartRenderError on any vega-lite or vega warning. */
export async function renderChartSvg(chart: ChartInput): Promise<string> {
  const { vega, vegaLite } = await loadLibraries();
  const problems: string[] = [];
  const logger = collectingLogger(problems);
  const compiled = vegaLite.compile(chart.spec, { logger }).spec;
  if (problems.length > 0) throw new ChartRenderError(chart.id, problems);
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger, logLevel: vega.Warn });
  try {
    const svg = await view.toSVG();
    if (problems.length > 0) throw new ChartRenderError(chart.id, problems);
    return inlineSvg(renameSvgIds(svg, chart.id), chart.label);
  } finally {
    view.finalize();
  }
}

/** Renders charts one after another (never in parallel, so nothing depends on timing), in order. */
export async function renderChartsSvg(charts: readonly ChartInput[]): Promise<string[]> {
  const out: string[] = [];
  for (const chart of charts) out.push(await renderChartSvg(chart));
  return out;
}

/** A chart for a page: null spec when there is nothing to draw, and then `whenEmpty` is said. */
export interface PageChart {
  id: string;
  title: string;
  spec: TopLevelSpec | null;
  caption: string;
  whenEmpty: string;
}

/** The charts as figures in a grid, in order; a chart with nothing to draw becomes a note. */
export async function renderChartGrid(charts: readonly PageChart[]): Promise<string> {
  const drawn = charts.filter((c): c is PageChart & { spec: TopLevelSpec } => c.spec !== null);
  const svgs = await renderChartsSvg(drawn.map((c) => ({ id: c.id, label: c.title, spec: c.spec })));
  const figures = drawn.map((c, i) => chartFigure(c.id, svgs[i]!, c.caption));
  const notes = charts.filter((c) => c.spec === null).map((c) => paragraph(c.whenEmpty, 'note'));
  return [...(figures.length > 0 ? [chartGrid(figures)] : []), ...notes].join('\n');
}
