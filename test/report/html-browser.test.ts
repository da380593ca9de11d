/**
 * The HTML reports in a real browser: Debian's chromium, headless, with no network. For each page
 * the DOM the browser built must hold the charts as SVG with their marks, and a screenshot must
 * show them drawn (pixels in the charts' colours).
 *
 * Skips, saying why, where /usr/bin/chromium is missing (`apt-get install -y chromium` brings it).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { renderPlanHtml, renderRunHtml, renderSweepHtml, renderWhatifHtml } from '../../src/report/html/index.js';
import { COLORS } from '../../src/report/html/charts.js';
import { runWithCdf, samplePlan, sampleSweep, sampleWhatif } from './html-fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`html-browser.test.ts: skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

const dir = mkdtempSync(join(tmpdir(), 'chatscale-browser-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Headless chromium with nothing that reaches out (no network, updates, sync or first-run). */
function chromium(args: string[]): string {
  const profile = mkdtempSync(join(dir, 'profile-'));
  return execFileSync(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--hide-scrollbars',
      `--user-data-dir=${profile}`,
      ...args,
    ],
    { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'ignore'] },
  );
}

interface Png {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel. */
  pixels: Uint8Array;
}

/** Decodes chromium's screenshot: 8-bit RGB or RGBA, not interlaced (all a screenshot uses). */
function decodePng(bytes: Buffer): Png {
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const data: Buffer[] = [];
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      if (body[8] !== 8 || body[12] !== 0) throw new Error('png: expected 8-bit, not interlaced');
      channels = body[9] === 6 ? 4 : body[9] === 2 ? 3 : 0;
      if (channels === 0) throw new Error(`png: colour type ${body[9]}`);
    } else if (type === 'IDAT') data.push(body);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  const rows = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x]!;
      const left = x >= channels ? rows[y * stride + x - channels]! : 0;
      const up = y > 0 ? rows[(y - 1) * stride + x]! : 0;
      const upLeft = y > 0 && x >= channels ? rows[(y - 1) * stride + x - channels]! : 0;
      let predicted = 0;
      if (filter === 1) predicted = left;
      else if (filter === 2) predicted = up;
      else if (filter === 3) predicted = (left + up) >> 1;
      else if (filter === 4) {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        predicted = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      }
      rows[y * stride + x] = (value + predicted) & 0xff;
    }
  }
  const pixels = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) pixels[i * 4 + c] = rows[i * channels + c]!;
    pixels[i * 4 + 3] = channels === 4 ? rows[i * channels + 3]! : 255;
  }
  return { width, height, pixels };
}

/** Pixels within a small distance of a colour (anti-aliased edges aside). */
function pixelsNear(png: Png, hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  let count = 0;
  for (let i = 0; i < png.pixels.length; i += 4) {
    if (Math.abs(png.pixels[i]! - r!) + Math.abs(png.pixels[i + 1]! - g!) + Math.abs(png.pixels[i + 2]! - b!) <= 24) count++;
  }
  return count;
}

/** Per <svg> in the browser's DOM: how many marks of each kind it drew. */
function svgMarks(dom: string): { paths: number; rects: number; lines: number; texts: number }[] {
  return [...dom.matchAll(/<svg\b[\s\S]*?<\/svg>/g)].map(([svg]) => ({
    paths: (svg.match(/<path\b/g) ?? []).length,
    rects: (svg.match(/<rect\b/g) ?? []).length,
    lines: (svg.match(/<line\b/g) ?? []).length,
    texts: (svg.match(/<text\b/g) ?? []).length,
  }));
}

const pages = [
  { name: 'run', charts: 5, color: COLORS.primary, render: () => renderRunHtml(runWithCdf()) },
  { name: 'plan', charts: 2, color: COLORS.pass, render: () => renderPlanHtml(samplePlan(), { scenario: 'fixture', version: '0.1.0' }) },
  { name: 'whatif', charts: 4, color: COLORS.variant, render: () => renderWhatifHtml(sampleWhatif(), { version: '0.1.0' }) },
  { name: 'sweep', charts: 3, color: '#f59e0b', render: () => renderSweepHtml(sampleSweep()) },
];

describe.skipIf(!hasChromium)('HTML reports in headless chromium', () => {
  for (const page of pages) {
    it(`${page.name}: the browser builds ${page.charts} SVG charts with marks, and draws them`, async () => {
      const file = join(dir, `${page.name}.html`);
      writeFileSync(file, await page.render());
      const url = `file://${file}`;

      const dom = chromium(['--dump-dom', url]);
      expect(dom).toContain('<figure class="chart"');
      const marks = svgMarks(dom);
      expect(marks).toHaveLength(page.charts);
      for (const chart of marks) {
        // Axes, grid and frame are paths and lines; bars are paths too; every chart has a title.
        expect(chart.paths + chart.rects).toBeGreaterThan(2);
        expect(chart.lines).toBeGreaterThan(0);
        expect(chart.texts).toBeGreaterThan(5);
      }

      const screenshot = join(dir, `${page.name}.png`);
      chromium([`--screenshot=${screenshot}`, '--window-size=1200,1400', url]);
      const png = decodePng(readFileSync(screenshot));
      expect(png.width).toBe(1200);
      // The page's own charts colour (lines, bars, points) is on screen, and the page is not blank.
      expect(pixelsNear(png, page.color)).toBeGreaterThan(150);
      expect(pixelsNear(png, '#ffffff')).toBeLessThan(png.width * png.height * 0.97);
    }, 30_000);
  }
});
