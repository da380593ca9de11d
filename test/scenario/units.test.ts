import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  formatBitsPerSecond,
  formatBytes,
  formatCount,
  formatDurationNs,
  formatFraction,
  parseBandwidthBitsPerSecond,
  parseCount,
  parseDurationNs,
  parsePercentFraction,
  parseRatePerSecond,
  parseSizeBytes,
} from '../../src/scenario/index.js';

describe('durations', () => {
  test.each([
    ['30ms', 30_000_000],
    ['200us', 200_000],
    ['200µs', 200_000],
    ['250ns', 250],
    ['5s', 5_000_000_000],
    ['5min', 300_000_000_000],
    ['2h', 7_200_000_000_000],
    ['1d', 86_400_000_000_000],
    ['1.5ms', 1_500_000],
    [' 30 ms ', 30_000_000],
    ['0', 0],
    [0, 0],
    ['1_000ms', 1_000_000_000],
    ['1e3us', 1_000_000],
    ['0.5ns', 1], // rounded to the kernel's integer grid
  ])('%j -> %d ns', (text, ns) => {
    expect(parseDurationNs(text)).toBe(ns);
  });

  test.each([
    ['30', 'a duration needs a unit (ns, us, ms, s, min, h, d), e.g. 30ms; got "30"'],
    [30, 'a duration needs a unit (ns, us, ms, s, min, h, d), e.g. 30ms; got 30'],
    ['5m', 'ambiguous unit "m" in "5m": write min for minutes or ms for milliseconds'],
    ['10 parsecs', 'unknown duration unit "parsecs" in "10 parsecs"; use one of ns, us, µs, μs, ms, s, sec, min, h, d'],
    ['-5ms', 'cannot be negative, got "-5ms"'],
    ['', 'expected a duration such as 30ms or 5min, got an empty string'],
    ['fast', 'expected a duration such as 30ms or 5min, got "fast"'],
    ['105d', 'duration too large to be real (over 2^53 ns, about 104 days), got "105d"'],
    ['1e400s', 'number too large to be real, got "1e400s"'],
    [Number.POSITIVE_INFINITY, 'number too large to be real, got Infinity'],
  ])('%j is refused', (text, reason) => {
    expect(parseDurationNs(text)).toEqual({ error: reason });
  });

  test('the largest exact duration is accepted, one step further is not', () => {
    expect(parseDurationNs(`${Number.MAX_SAFE_INTEGER}ns`)).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseDurationNs('104d')).toBe(104 * 86_400e9);
    expect(typeof parseDurationNs(`${Number.MAX_SAFE_INTEGER + 2}ns`)).toBe('object');
  });
});

describe('bandwidth', () => {
  test.each([
    ['10Gbps', 10e9],
    ['100Mbps', 100e6],
    ['2.5Gbit/s', 2.5e9],
    ['125MB/s', 1e9],
    ['1GiB/s', 8 * 1024 ** 3],
    ['64kbps', 64e3],
    ['1Tbps', 1e12],
  ])('%s -> %d bit/s', (text, bps) => {
    expect(parseBandwidthBitsPerSecond(text)).toBe(bps);
  });

  test('units are required and case matters between bits and bytes', () => {
    expect(parseBandwidthBitsPerSecond('10')).toEqual({ error: 'a bandwidth needs a unit (bps, Mbps, Gbps, MB/s, ...), e.g. 10Gbps; got "10"' });
    expect(parseBandwidthBitsPerSecond('10gbps')).toEqual({
      error: 'unknown bandwidth unit "gbps" in "10gbps"; use bps, kbps, Mbps, Gbps, Tbps, Gbit/s, MB/s, GiB/s, ...',
    });
    expect(parseBandwidthBitsPerSecond('10GBps')).toBe(80e9);
    expect(parseBandwidthBitsPerSecond('2Pbps')).toHaveProperty('error');
    expect(parseBandwidthBitsPerSecond('1000Tbps')).toBe(1e15);
    expect(parseBandwidthBitsPerSecond('1001Tbps')).toEqual({ error: 'bandwidth too large to be real (over 1 Pbps), got "1001Tbps"' });
  });
});

describe('sizes', () => {
  test.each([
    ['200B', 200],
    ['300KiB', 307_200],
    ['64GiB', 68_719_476_736],
    ['1.5MB', 1_500_000],
    ['1.1KiB', 1126], // rounded to whole bytes
    ['0', 0],
  ])('%s -> %d bytes', (text, bytes) => {
    expect(parseSizeBytes(text)).toBe(bytes);
  });

  test('bits are not bytes', () => {
    expect(parseSizeBytes('64Gb')).toEqual({
      error:
        'unknown size unit "Gb" in "64Gb" (a lowercase b is bits; sizes are in bytes, B); use one of B, byte, bytes, kB, KB, MB, GB, TB, KiB, MiB, GiB, TiB',
    });
    expect(parseSizeBytes(64)).toEqual({ error: 'a size needs a unit (B, kB, MB, GB, KiB, MiB, GiB, ...), e.g. 64B; got 64' });
    expect(parseSizeBytes('9PiB')).toHaveProperty('error');
  });
});

describe('counts, percentages, rates', () => {
  test.each([
    ['1.5e9', 1.5e9],
    ['40e6', 40e6],
    ['150', 150],
    [150, 150],
    ['40M', 40e6],
    ['342k', 342_000],
    ['1_000_000', 1e6],
    ['1e15', 1e15],
  ])('count %j -> %d', (text, count) => {
    expect(parseCount(text)).toBe(count);
  });

  test('counts refuse separators, junk and the unreal', () => {
    expect(parseCount('1,000,000')).toEqual({ error: 'write numbers without thousands separators (e.g. 1000000 or 1e6), got "1,000,000"' });
    expect(parseCount('many')).toEqual({ error: 'expected a number such as 150, 40e6 or 40M, got "many"' });
    expect(parseCount('2e15')).toEqual({ error: 'number too large to be real (over 1e15), got "2e15"' });
    expect(parseCount(Number.POSITIVE_INFINITY)).toEqual({ error: 'number too large to be real, got Infinity' });
    expect(parseCount(Number.NaN)).toEqual({ error: 'expected a number such as 150, 40e6 or 40M, got NaN' });
    expect(parseCount(-3)).toEqual({ error: 'cannot be negative, got -3' });
  });

  test.each([
    ['25%', 0.25],
    ['0.01%', 0.0001],
    ['100%', 1],
    ['0%', 0],
    ['150%', 1.5], // range is the field's business
  ])('percentage %s -> %d', (text, fraction) => {
    expect(parsePercentFraction(text)).toBeCloseTo(fraction, 15);
  });

  test('a percentage needs its % sign', () => {
    expect(parsePercentFraction(0.25)).toEqual({ error: 'write a percentage with %, e.g. 0.25% or 25%; got 0.25' });
    expect(parsePercentFraction('25')).toEqual({ error: 'expected a percentage such as 25%, got "25"' });
  });

  test.each([
    ['200000/s', 200_000],
    ['40/day', 40 / 86_400],
    ['342k/s', 342_000],
    ['1.2M/min', 20_000],
    ['3600/h', 1],
    [500, 500],
    ['500', 500],
  ])('rate %j -> %d per second', (text, perSecond) => {
    expect(parseRatePerSecond(text)).toBeCloseTo(perSecond, 12);
  });

  test('rates refuse unknown units and the unreal', () => {
    expect(parseRatePerSecond('5/fortnight')).toEqual({ error: 'unknown rate unit "/fortnight" in "5/fortnight"; use /s, /min, /h or /day' });
    expect(parseRatePerSecond('lots/s')).toEqual({ error: 'expected a rate such as 200000/s or 40/day, got "lots/s"' });
    expect(parseRatePerSecond('1e16/s')).toHaveProperty('error');
  });
});

describe('formatting is the inverse of parsing', () => {
  test('examples print in scenario notation', () => {
    expect(formatDurationNs(30_000_000)).toBe('30ms');
    expect(formatDurationNs(200_000)).toBe('200us');
    expect(formatDurationNs(300e9)).toBe('5min');
    expect(formatDurationNs(0)).toBe('0s');
    expect(formatBytes(68_719_476_736)).toBe('64GiB');
    expect(formatBytes(200)).toBe('200B');
    expect(formatBitsPerSecond(10e9)).toBe('10Gbps');
    expect(formatBitsPerSecond(null)).toBe('unlimited');
    expect(formatCount(1_000_000)).toBe('1,000,000');
    expect(formatCount(1.6)).toBe('1.6');
    expect(formatFraction(0.0001)).toBe('0.01%');
  });

  test('parse(format(x)) is within 0.05% of x', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (ns) => {
        const back = parseDurationNs(formatDurationNs(ns));
        return typeof back === 'number' && Math.abs(back - ns) <= ns * 5e-4 + 1;
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 50 }), (bytes) => {
        const back = parseSizeBytes(formatBytes(bytes));
        return typeof back === 'number' && Math.abs(back - bytes) <= bytes * 5e-3 + 1;
      }),
    );
    fc.assert(
      fc.property(fc.double({ min: 1, max: 1e15, noNaN: true }), (bps) => {
        const back = parseBandwidthBitsPerSecond(formatBitsPerSecond(bps));
        return typeof back === 'number' && Math.abs(back - bps) <= bps * 5e-4;
      }),
    );
  });
});
