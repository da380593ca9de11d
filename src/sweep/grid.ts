/**
 * A sweep's grid: the cartesian product of `--vary` axes, times `--repeat` seeds.
 *
 * Runs are numbered 0..runs-1 in one fixed order, which is what every shard, resume and merge agrees
 * on: run index = pointIndex x repeats + repeat, and the point index counts the axes like digits,
 * the first `--vary` the most significant (row-major; the last axis changes fastest). Repeat r runs
 * with seed = base seed + r. `--shard i/n` takes the runs whose index mod n == i.
 */

/** Most runs (points x repeats) one sweep may have: a bound on the grid, as on every queue. */
export const SWEEP_RUNS_MAX = 100_000;
export const SWEEP_REPEATS_MAX = 1_000;

export type AxisValue = number | string;

export interface Axis {
  /** A dotted scenario field, as `--set` takes it: `chatServers.perRegion`. */
  field: string;
  /** In order; the text each value is written with in the override is `valueText`. */
  values: AxisValue[];
  /** How each value is written in the `--set` override. */
  valueTexts: string[];
}

export interface SweepGrid {
  axes: Axis[];
  repeats: number;
  baseSeed: number;
  /** points x repeats. */
  runs: number;
  points: number;
}

export interface GridRun {
  index: number;
  pointIndex: number;
  /** Field -> value, in axis order. */
  point: Record<string, AxisValue>;
  repeat: number;
  seed: number;
  /** `--set` overrides that make this point (the seed is set apart). */
  overrides: string[];
}

/** 12 significant digits: 0.1 + 0.2 steps read 0.3, not 0.30000000000000004. */
function tidy(value: number): number {
  const rounded = Number(value.toPrecision(12));
  return rounded === 0 ? 0 : rounded;
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses one `--vary`: `field=a..b` (integers a to b), `field=a..b:step` (inclusive, any step > 0),
 * `field=x,y,z` (a list, each value as `--set` would take it, such as 20000/s), or `field=x`.
 */
export function parseVary(text: string): Axis | { reason: string } {
  const equals = text.indexOf('=');
  if (equals <= 0) return { reason: `expected field=a..b[:step] or field=x,y, such as chatServers.perRegion=4..8:2, got ${JSON.stringify(text)}` };
  const field = text.slice(0, equals).trim();
  const spec = text.slice(equals + 1).trim();
  if (!/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/.test(field)) return { reason: `expected a dotted field path such as chatServers.cores, got ${JSON.stringify(field)}` };
  if (spec === '') return { reason: `${field}: no values after =` };
  const range = /^([^.:][^:]*?)\.\.([^:]+)(?::(.+))?$/.exec(spec);
  if (range !== null) {
    const [, fromText = '', toText = '', stepText] = range;
    const from = Number(fromText);
    const to = Number(toText);
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!NUMBER.test(fromText.trim()) || !NUMBER.test(toText.trim()) || (stepText !== undefined && !NUMBER.test(stepText.trim()))) {
      return { reason: `${field}: a range takes plain numbers, a..b or a..b:step, got ${JSON.stringify(spec)} (use a list x,y for values with units)` };
    }
    if (!(step > 0)) return { reason: `${field}: the step must be > 0, got ${stepText}` };
    if (to < from) return { reason: `${field}: the range ${spec} runs backwards; write ${toText}..${fromText}` };
    const count = Math.floor((to - from) / step + 1e-9) + 1;
    if (count > SWEEP_RUNS_MAX) return { reason: `${field}: ${count} values, more than a sweep takes (${SWEEP_RUNS_MAX})` };
    const values = Array.from({ length: count }, (_, i) => tidy(from + i * step));
    return { field, values, valueTexts: values.map(String) };
  }
  const parts = spec.split(',').map((part) => part.trim());
  if (parts.some((part) => part === '')) return { reason: `${field}: an empty value in the list ${JSON.stringify(spec)}` };
  if (new Set(parts).size !== parts.length) return { reason: `${field}: a value appears twice in ${JSON.stringify(spec)}` };
  return { field, values: parts.map((part) => (NUMBER.test(part) ? Number(part) : part)), valueTexts: parts };
}

/**
 * A whole number as typed on the command line: digits, or a plain number in exponent notation
 * that is a whole number (`1e6`, `2.5e3`). Null for anything else, or past 2^53 - 1.
 */
export function parseWholeNumber(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\+?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE]\+?\d+)?$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) ? value : null;
}

/** `--repeat N`: runs per point, a whole number from 1 to SWEEP_REPEATS_MAX. */
export function parseRepeat(text: string): number | { reason: string } {
  const value = parseWholeNumber(text);
  if (value === null || value < 1 || value > SWEEP_REPEATS_MAX) return { reason: `expected an integer from 1 to ${SWEEP_REPEATS_MAX}, got ${JSON.stringify(text)}` };
  return value;
}

export function buildGrid(axes: Axis[], repeats: number, baseSeed: number): SweepGrid | { reason: string } {
  const fields = axes.map((axis) => axis.field);
  const twice = fields.find((field, i) => fields.indexOf(field) !== i);
  if (twice !== undefined) return { reason: `${twice} is varied twice; give it one --vary with every value` };
  if (!Number.isInteger(repeats) || repeats < 1 || repeats > SWEEP_REPEATS_MAX) return { reason: `--repeat takes an integer from 1 to ${SWEEP_REPEATS_MAX}, got ${repeats}` };
  const points = axes.reduce((product, axis) => product * axis.values.length, 1);
  const runs = points * repeats;
  if (runs > SWEEP_RUNS_MAX) return { reason: `the grid has ${runs} runs (${points} points x ${repeats} repeats), more than a sweep takes (${SWEEP_RUNS_MAX}); split it into several sweeps` };
  return { axes, repeats, baseSeed, runs, points };
}

/** The run at `index` of the grid. */
export function gridRun(grid: SweepGrid, index: number): GridRun {
  if (!Number.isInteger(index) || index < 0 || index >= grid.runs) throw new RangeError(`run index ${index} outside 0..${grid.runs - 1}`);
  const repeat = index % grid.repeats;
  const pointIndex = Math.floor(index / grid.repeats);
  const digits: number[] = [];
  let rest = pointIndex;
  for (let a = grid.axes.length - 1; a >= 0; a--) {
    const size = grid.axes[a]!.values.length;
    digits[a] = rest % size;
    rest = Math.floor(rest / size);
  }
  const point: Record<string, AxisValue> = {};
  const overrides: string[] = [];
  grid.axes.forEach((axis, a) => {
    point[axis.field] = axis.values[digits[a]!]!;
    overrides.push(`${axis.field}=${axis.valueTexts[digits[a]!]!}`);
  });
  return { index, pointIndex, point, repeat, seed: grid.baseSeed + repeat, overrides };
}

export interface Shard {
  index: number;
  count: number;
}

/** Parses `i/n` with 0 <= i < n. */
export function parseShard(text: string): Shard | { reason: string } {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (match === null) return { reason: `expected i/n such as 0/4 (shards are numbered from 0), got ${JSON.stringify(text)}` };
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > SWEEP_RUNS_MAX) return { reason: `the shard count must be from 1 to ${SWEEP_RUNS_MAX}, got ${count}` };
  if (index >= count) return { reason: `shard ${index}/${count} does not exist: shards are numbered 0 to ${count - 1}` };
  return { index, count };
}

/** The run indices of one shard (all of them without a shard), ascending. */
export function shardRunIndices(runs: number, shard: Shard | null): number[] {
  const indices: number[] = [];
  const first = shard === null ? 0 : shard.index;
  const stride = shard === null ? 1 : shard.count;
  for (let index = first; index < runs; index += stride) indices.push(index);
  return indices;
}
