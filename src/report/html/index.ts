/** The HTML reports: one self-contained page each, charts drawn with Vega-Lite into inline SVG. */
export { renderRunHtml } from './run-html.js';
export { renderPlanHtml, type PlanContext } from './plan-html.js';
export { renderWhatifHtml, type WhatifContext } from './whatif-html.js';
export { renderSweepHtml, type SweepReport } from './sweep-html.js';
export { renderChartSvg, renderChartsSvg, ChartRenderError, type ChartInput } from './render-svg.js';
