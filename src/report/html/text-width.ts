/**
 * Text widths for Vega's layout in Node, where it has no canvas to measure with.
 *
 * Without node-canvas (a native build we do not install) Vega guesses every character to be 0.8 em
 * wide, which is about 1.5 times the real width of a sans-serif text: a long axis title then counts
 * as taller than its chart, and the layout pushes the chart's title off the top of the SVG. This
 * replaces the guess with the advance widths of Helvetica, which Arial and Liberation Sans share
 * and which the charts ask for first (page.ts CHART_FONT_STACK), with a little headroom for a
 * machine that falls back to a wider font. A pure function of the text and the font size.
 */

/** Advance widths in 1/1000 em of ASCII 32..126 (Helvetica's AFM metrics). */
const HELVETICA_WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space to /
  556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0 to ?
  1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @ to O
  667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P to _
  333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // ` to o
  556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p to ~
];
/** Anything outside ASCII (·, …, accented letters): a wide letter, to err on the safe side. */
const OTHER_WIDTH = 600;
/** Headroom for a fallback font wider than Helvetica. */
const SAFETY = 1.05;
const BOLD_FACTOR = 1.08;

export function textWidthEm(text: string): number {
  let total = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    total += code >= 32 && code <= 126 ? HELVETICA_WIDTHS[code - 32]! : OTHER_WIDTH;
  }
  return total / 1000;
}

interface TextItem {
  text?: unknown;
  fontSize?: number | string;
  fontWeight?: number | string;
}

/** Vega's `textMetrics.width(item, text)`: the width in pixels of `text` (or the item's text). */
export function estimateTextWidth(item: TextItem, text?: unknown): number {
  const value = text ?? item.text;
  if (value === null || value === undefined) return 0;
  const line = Array.isArray(value) ? value.map(String).reduce((a, b) => (textWidthEm(b) > textWidthEm(a) ? b : a), '') : String(value).trim();
  const fontSize = item.fontSize === undefined || item.fontSize === null ? 11 : Number(item.fontSize) || 0;
  const weight = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600 ? BOLD_FACTOR : 1;
  return textWidthEm(line) * fontSize * SAFETY * weight;
}
