/**
 * A one-line chart of a series with the eight block characters. Long series are reduced to
 * `width` columns by averaging runs of neighbours, so the line fits a terminal; the bars span the
 * series' own minimum to maximum (a flat series is a flat line of middle bars).
 */
const BARS = '▁▂▃▄▅▆▇█';

export function downsample(values: readonly number[], width: number): number[] {
  if (values.length <= width) return [...values];
  const out: number[] = [];
  for (let column = 0; column < width; column++) {
    const from = Math.floor((column * values.length) / width);
    const to = Math.floor(((column + 1) * values.length) / width);
    let sum = 0;
    for (let i = from; i < to; i++) sum += values[i]!;
    out.push(sum / (to - from));
  }
  return out;
}

export function sparkline(values: readonly number[], width = 60): string {
  const points = downsample(values, width);
  if (points.length === 0) return '';
  const min = Math.min(...points);
  const max = Math.max(...points);
  if (max === min) return BARS[3]!.repeat(points.length);
  return points.map((value) => BARS[Math.round(((value - min) / (max - min)) * (BARS.length - 1))]!).join('');
}
