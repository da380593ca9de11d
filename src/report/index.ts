/** Pure renderers over plain data: no process, no files, no clock. */
export { canonicalRunResult, renderRunJson, renderStableJson } from './json.js';
export { renderRunMarkdown, MARKDOWN_SERIES_ROWS_MAX } from './markdown.js';
export { renderRunText, type RenderTextOptions } from './terminal.js';
export { renderTimeSeriesCsv, TIME_SERIES_CSV_COLUMNS } from './csv.js';
export { groupServers, busiestServers, serverView, roleCounts, SERVERS_LISTED_MAX, BUSIEST_LISTED, type ServerGroup, type ServerView } from './servers.js';
export { sparkline, downsample } from './sparkline.js';
export { renderTable, renderMarkdownTable, type Align, type Cell, type StyledCell, type TableOptions } from './table.js';
