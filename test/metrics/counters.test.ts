import { describe, expect, it } from 'vitest';
import { Counters, sortedRecord, sumRecords } from '../../src/metrics/counters.js';
import { roundFigure } from '../../src/metrics/rounding.js';

describe('Counters', () => {
  it('adds by name and writes keys in code-unit order whatever the arrival order', () => {
    const counters = new Counters();
    counters.add('route');
    counters.add('fanout', 3);
    counters.add('Zeta');
    counters.add('route', 2);
    expect(JSON.stringify(counters.toRecord())).toBe('{"Zeta":1,"fanout":3,"route":3}');
    expect(counters.get('route')).toBe(3);
    expect(counters.get('missing')).toBe(0);
    expect(() => counters.add('route', Number.NaN)).toThrow('counters: cannot add NaN to route');
  });

  it('merges counters and sums records', () => {
    const a = new Counters();
    a.addRecord({ b: 1, a: 2 });
    const b = new Counters();
    b.addRecord({ c: 5, a: 1 });
    a.merge(b);
    expect(a.toRecord()).toEqual({ a: 3, b: 1, c: 5 });
    expect(JSON.stringify(sumRecords([{ y: 1 }, { x: 2, y: 3 }]))).toBe('{"x":2,"y":4}');
    expect(Object.keys(sortedRecord({ b: 1, a: 2, B: 3 }))).toEqual(['B', 'a', 'b']);
  });
});

describe('roundFigure', () => {
  it('keeps 3 decimals for Ms and Seconds keys and 6 significant digits elsewhere', () => {
    expect(roundFigure('p99Ms', 62.29749)).toBe(62.297);
    expect(roundFigure('wallSeconds', 1.23456)).toBe(1.235);
    expect(roundFigure('cpuUtilisation', 0.6250000000000001)).toBe(0.625);
    expect(roundFigure('messagesPerWallSecond', 1_234_567.891)).toBe(1_234_570);
    expect(roundFigure('bytes', 12_345_678_901)).toBe(12_345_678_901);
    expect(Object.is(roundFigure('meanMs', -0.0001), 0)).toBe(true);
    expect(Object.is(roundFigure('count', -0), 0)).toBe(true);
  });
});
