import hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import {
  LatencyHistogram,
  LatencyHistogramDecodeError,
  bucketIndexOf,
  highestValueAt,
  lowestValueAt,
  nsToMsRounded,
} from '../../src/metrics/latency-histogram.js';

const MS = 1_000_000;

/** A small deterministic generator (an LCG) so the tests need no seeded stream from src/sim. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
}

function libraryHistogram(): hdr.JsHistogram {
  return hdr.build({
    bitBucketSize: 64,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 2,
    numberOfSignificantValueDigits: 3,
  }) as hdr.JsHistogram;
}

describe('bucket layout', () => {
  it('matches HdrHistogram countsArrayIndex at bucket edges and past 2^32', () => {
    const library = libraryHistogram();
    library.recordValue(Number.MAX_SAFE_INTEGER); // grow it to cover every value below
    const values = [0, 1, 1023, 1024, 2047, 2048, 2049, 4095, 4096, 62_297_000, 2 ** 31 - 1, 2 ** 31,
      2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 5e9, 2 ** 40, 2 ** 40 + 12_345, 1e13, 2 ** 52, Number.MAX_SAFE_INTEGER];
    for (const value of values) {
      expect(bucketIndexOf(value), `value ${value}`).toBe(library.countsArrayIndex(value));
    }
  });

  it('gives the lowest and highest value of a bucket', () => {
    expect([lowestValueAt(2047), highestValueAt(2047)]).toEqual([2047, 2047]);
    expect([lowestValueAt(2048), highestValueAt(2048)]).toEqual([2048, 2049]);
    // 50 ms: bucket 15 (2^25..2^26 ns), 32,768 ns wide; 1,525 * 32,768 = 49,971,200.
    const index = bucketIndexOf(50 * MS);
    expect([lowestValueAt(index), highestValueAt(index)]).toEqual([49_971_200, 50_003_967]);
  });
});

describe('LatencyHistogram', () => {
  it('summarises 1..100 ms exactly where it can and to the bucket where it cannot', () => {
    const histogram = new LatencyHistogram();
    for (let i = 1; i <= 100; i++) histogram.record(i * MS);
    // Mean and max are exact; p50 is the top of 50 ms's bucket (49,971,200..50,003,967 ns),
    // p90 of 90 ms's (1,373 * 65,536 = 89,980,928..90,046,463), p99 of 99 ms's
    // (1,510 * 65,536 = 98,959,360..99,024,895); p99.9 needs all 100 values, so it is the max.
    expect(histogram.summary()).toEqual({
      count: 100,
      meanMs: 50.5,
      p50Ms: 50.004,
      p90Ms: 90.046,
      p99Ms: 99.025,
      p999Ms: 100,
      maxMs: 100,
    });
    expect(histogram.minNs).toBe(1 * MS);
    expect(histogram.maxNs).toBe(100 * MS);
  });

  it('agrees with hdr-histogram-js on percentiles of skewed data, below and above 2^32 ns', () => {
    const random = lcg(7);
    const ours = new LatencyHistogram();
    const library = libraryHistogram();
    for (let i = 0; i < 50_000; i++) {
      // Mostly tens of ms, a tail of seconds and a few hours (offline delivery).
      const u = random();
      const value = u < 0.999 ? Math.floor(30 * MS - Math.log(1 - random()) * 2 * MS) : Math.floor(random() * 3.6e12);
      ours.record(value);
      library.recordValue(value);
    }
    expect(ours.count).toBe(50_000);
    for (const p of [1, 25, 50, 90, 99, 99.9, 99.99, 100]) {
      expect(ours.percentileNs(p), `p${p}`).toBe(Math.min(library.getValueAtPercentile(p), ours.maxNs));
    }
    expect(ours.maxNs).toBe(library.maxValue);
  });

  it('keeps an exact sum past 2^53 ns', () => {
    const histogram = new LatencyHistogram();
    for (let i = 0; i < 2000; i++) histogram.record(2 ** 50 + 1);
    // 2000 * (2^50 + 1) = 2,251,799,813,685,250,000 exceeds 2^53; a double would round it.
    expect(histogram.toJson().sumNs).toBe('2251799813685250000');
    expect(histogram.meanNs).toBe(2 ** 50 + 1);
    for (let i = 0; i < 3; i++) histogram.record(7);
    expect(histogram.toJson().sumNs).toBe('2251799813685250021');
  });

  it('drops fractions of a nanosecond and refuses negative or non-finite values', () => {
    const histogram = new LatencyHistogram();
    histogram.record(1500.9);
    expect(histogram.toJson().sumNs).toBe('1500');
    expect(() => histogram.record(-1)).toThrow(RangeError);
    expect(() => histogram.record(Number.NaN)).toThrow(/cannot record NaN ns/);
    expect(() => histogram.record(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(histogram.count).toBe(1);
  });

  it('clamps values past 2^53 ns and counts them', () => {
    const histogram = new LatencyHistogram();
    histogram.record(2 ** 60);
    expect(histogram.clamped).toBe(1);
    expect(histogram.maxNs).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('reports zeros when empty and after reset', () => {
    const histogram = new LatencyHistogram();
    const zeros = { count: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0 };
    expect(histogram.summary()).toEqual(zeros);
    histogram.record(5e9);
    histogram.record(3 * MS);
    histogram.reset();
    expect(histogram.summary()).toEqual(zeros);
    histogram.record(2 * MS);
    expect(histogram.summary()).toEqual({ count: 1, meanMs: 2, p50Ms: 2, p90Ms: 2, p99Ms: 2, p999Ms: 2, maxMs: 2 });
  });

  it('merges shards into exactly what one histogram recording everything holds', () => {
    const random = lcg(11);
    const whole = new LatencyHistogram();
    const shards = [new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram()];
    for (let i = 0; i < 30_000; i++) {
      const value = Math.floor(random() * (i % 100 === 0 ? 1e10 : 1e8));
      whole.record(value);
      shards[i % 3]!.record(value);
    }
    // Through JSON, as shards written by separate processes would be.
    const merged = LatencyHistogram.merged(
      shards.map((shard) => LatencyHistogram.fromJson(JSON.parse(JSON.stringify(shard.toJson())))),
    );
    expect(JSON.stringify(merged.toJson())).toBe(JSON.stringify(whole.toJson()));
    expect(merged.summary()).toEqual(whole.summary());
  });

  it('round-trips through JSON and writes an encoding other HdrHistogram readers accept', () => {
    const histogram = new LatencyHistogram();
    for (const value of [1, 2047, 2048, 62_297_000, 62_297_000, 4_000_000_000, 5e9]) histogram.record(value);
    const json = histogram.toJson();
    expect(json).toMatchObject({ format: 'chatscale-latency-v1', unit: 'ns', count: 7, minNs: 1, maxNs: 5e9, clamped: 0 });
    expect(json.sumNs).toBe('9124598096');
    const back = LatencyHistogram.fromJson(json);
    expect(back.toJson()).toEqual(json);
    expect(back.percentileNs(50)).toBe(histogram.percentileNs(50));
    const library = hdr.decodeFromCompressedBase64(json.hdr, 64);
    expect(library.totalCount).toBe(7);
    expect(library.getValueAtPercentile(50)).toBe(62_324_735); // top of 62.297 ms's 32,768 ns bucket
  });

  it('refuses serialised forms that do not add up, naming the field', () => {
    const json = (() => {
      const h = new LatencyHistogram();
      h.record(10 * MS);
      return h.toJson();
    })();
    const decode = (value: unknown) => () => LatencyHistogram.fromJson(value);
    expect(decode({ ...json, count: 2 })).toThrow(new LatencyHistogramDecodeError('count is 2 but the buckets hold 1'));
    expect(decode({ ...json, format: 'x' })).toThrow(/format: expected "chatscale-latency-v1", got "x"/);
    expect(decode({ ...json, sumNs: 12 })).toThrow(/sumNs: expected a decimal integer string, got 12/);
    expect(decode({ ...json, maxNs: 20 * MS })).toThrow(/minNs or maxNs does not match the buckets/);
    expect(decode({ ...json, hdr: 'not base64' })).toThrow(LatencyHistogramDecodeError);
    expect(decode(null)).toThrow(/expected an object/);
  });

  it('rounds milliseconds to 3 decimals', () => {
    expect(nsToMsRounded(62_297_499)).toBe(62.297);
    expect(nsToMsRounded(62_297_500)).toBe(62.298);
    expect(nsToMsRounded(0)).toBe(0);
  });
});
