import { describe, expect, it } from 'vitest';
import { buildGrid, gridRun, parseShard, parseVary, shardRunIndices, type Axis, type SweepGrid } from '../../src/sweep/grid.js';

function axis(text: string): Axis {
  const parsed = parseVary(text);
  if ('reason' in parsed) throw new Error(parsed.reason);
  return parsed;
}

function grid(axes: string[], repeats: number, seed = 42): SweepGrid {
  const built = buildGrid(axes.map(axis), repeats, seed);
  if ('reason' in built) throw new Error(built.reason);
  return built;
}

describe('parseVary', () => {
  it('expands ranges with and without a step, inclusive, without float noise', () => {
    expect(axis('chatServers.perRegion=4..8:2')).toEqual({ field: 'chatServers.perRegion', values: [4, 6, 8], valueTexts: ['4', '6', '8'] });
    expect(axis('chatServers.cores=3..5').values).toEqual([3, 4, 5]);
    expect(axis('costs.scale=0.1..0.5:0.1').values).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(axis('x=1..2:0.3').values).toEqual([1, 1.3, 1.6, 1.9]);
  });

  it('keeps list values as written, numbers as numbers', () => {
    expect(axis('workload.messagesPerSecond=10000/s,20000/s')).toEqual({ field: 'workload.messagesPerSecond', values: ['10000/s', '20000/s'], valueTexts: ['10000/s', '20000/s'] });
    expect(axis('chatServers.placement=hash, modulo').values).toEqual(['hash', 'modulo']);
    expect(axis('a.b=7').values).toEqual([7]);
  });

  it('explains bad axes', () => {
    const reason = (text: string) => {
      const parsed = parseVary(text);
      return 'reason' in parsed ? parsed.reason : null;
    };
    expect(reason('cores')).toBe('expected field=a..b[:step] or field=x,y, such as chatServers.perRegion=4..8:2, got "cores"');
    expect(reason('a=8..4')).toBe('a: the range 8..4 runs backwards; write 4..8');
    expect(reason('a=1..4:0')).toBe('a: the step must be > 0, got 0');
    expect(reason('a=1ms..4ms')).toBe('a: a range takes plain numbers, a..b or a..b:step, got "1ms..4ms" (use a list x,y for values with units)');
    expect(reason('a=1,,2')).toBe('a: an empty value in the list "1,,2"');
    expect(reason('a=1,1')).toBe('a: a value appears twice in "1,1"');
  });
});

describe('grid order, seeds and shards', () => {
  it('numbers runs row-major (first axis outermost), repeats innermost, seed = base + repeat', () => {
    const g = grid(['a=1..2', 'b=x,y,z'], 2, 42);
    expect([g.points, g.runs]).toEqual([6, 12]);
    const runs = Array.from({ length: g.runs }, (_, i) => gridRun(g, i));
    expect(runs.map((r) => `${r.point['a']}${r.point['b']}/${r.seed}`)).toEqual([
      '1x/42', '1x/43', '1y/42', '1y/43', '1z/42', '1z/43',
      '2x/42', '2x/43', '2y/42', '2y/43', '2z/42', '2z/43',
    ]);
    expect(runs[7]).toEqual({ index: 7, pointIndex: 3, point: { a: 2, b: 'x' }, repeat: 1, seed: 43, overrides: ['a=2', 'b=x'] });
  });

  it('refuses a field varied twice, bad repeats and grids past the bound', () => {
    expect(buildGrid([axis('a=1..2'), axis('a=3')], 1, 0)).toEqual({ reason: 'a is varied twice; give it one --vary with every value' });
    expect(buildGrid([axis('a=1..2')], 0, 0)).toEqual({ reason: '--repeat takes an integer from 1 to 1000, got 0' });
    expect(buildGrid([axis('a=1..1000'), axis('b=1..1000')], 1, 0)).toEqual({ reason: 'the grid has 1000000 runs (1000000 points x 1 repeats), more than a sweep takes (100000); split it into several sweeps' });
  });

  it('splits runs into disjoint shards that cover the grid (index mod n == i)', () => {
    for (let runs = 0; runs <= 13; runs++) {
      for (let n = 1; n <= 5; n++) {
        const all = Array.from({ length: n }, (_, i) => shardRunIndices(runs, { index: i, count: n })).flat().sort((x, y) => x - y);
        expect(all).toEqual(Array.from({ length: runs }, (_, i) => i));
      }
    }
    expect(shardRunIndices(10, { index: 1, count: 3 })).toEqual([1, 4, 7]);
    expect(shardRunIndices(3, null)).toEqual([0, 1, 2]);
  });

  it('parses shards i/n numbered from 0', () => {
    expect(parseShard('1/3')).toEqual({ index: 1, count: 3 });
    expect(parseShard('3/3')).toEqual({ reason: 'shard 3/3 does not exist: shards are numbered 0 to 2' });
    expect(parseShard('a/b')).toEqual({ reason: 'expected i/n such as 0/4 (shards are numbered from 0), got "a/b"' });
    expect(parseShard('0/0')).toEqual({ reason: 'the shard count must be from 1 to 100000, got 0' });
  });
});
