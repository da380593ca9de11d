import { describe, expect, it } from 'vitest';
import { parseRatePerSecond, parseTimeSeconds, parseTimeWithUnit } from '../../src/plan/index.js';

describe('queue command units', () => {
  it('parses times into seconds', () => {
    expect(parseTimeSeconds('10min')).toBe(600);
    expect(parseTimeSeconds('120s')).toBe(120);
    expect(parseTimeSeconds('200ms')).toBeCloseTo(0.2, 15);
    expect(parseTimeSeconds('5us')).toBeCloseTo(5e-6, 20);
    expect(parseTimeSeconds('5\u00b5s')).toBeCloseTo(5e-6, 20);
    expect(parseTimeSeconds('1.5h')).toBe(5400);
    expect(parseTimeSeconds('250ns')).toBeCloseTo(2.5e-7, 20);
    expect(parseTimeSeconds('2d')).toBe(172_800);
    expect(parseTimeSeconds(' 180 ')).toBe(180);
    expect(parseTimeSeconds('1e3ms')).toBe(1);
    expect(parseTimeSeconds('.5 min')).toBe(30);
  });

  it('keeps the unit the user typed for display', () => {
    expect(parseTimeWithUnit('10min')).toEqual({ seconds: 600, unit: { symbol: 'min', seconds: 60 } });
    expect(parseTimeWithUnit('3 hours')).toEqual({ seconds: 10_800, unit: { symbol: 'h', seconds: 3600 } });
  });

  it('parses rates into per second', () => {
    expect(parseRatePerSecond('0.35/min')).toBeCloseTo(0.35 / 60, 15);
    expect(parseRatePerSecond('1000/h')).toBeCloseTo(1000 / 3600, 15);
    expect(parseRatePerSecond('12/s')).toBe(12);
    expect(parseRatePerSecond('5')).toBe(5);
    expect(parseRatePerSecond('2/ms')).toBe(2000);
    expect(parseRatePerSecond('1.2e5 / s')).toBe(120_000);
  });

  it('returns an error naming the text for anything else', () => {
    expect(parseTimeSeconds('10m')).toEqual({ error: expect.stringContaining("unknown time unit 'm'") });
    expect(parseTimeSeconds('fast')).toEqual({ error: expect.stringContaining("got 'fast'") });
    expect(parseTimeSeconds('-3s')).toEqual({ error: expect.stringContaining('negative') });
    expect(parseTimeSeconds('')).toEqual({ error: expect.any(String) });
    expect(parseRatePerSecond('12/fortnight')).toEqual({ error: expect.stringContaining("unknown rate unit '/fortnight'") });
    expect(parseRatePerSecond('12 per s')).toEqual({ error: expect.any(String) });
    expect(parseRatePerSecond('-1/s')).toEqual({ error: expect.stringContaining('negative') });
    expect(parseRatePerSecond('1e400/s')).toEqual({ error: expect.stringContaining('too large') });
  });
});
