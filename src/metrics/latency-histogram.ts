/**
 * A latency histogram with HdrHistogram's layout (3 significant decimal digits, lowest discernible
 * value 1), recording integer nanoseconds of simulated time.
 *
 * Why nanoseconds: simulated time is integer nanoseconds (src/sim/time.ts), so a latency is a
 * difference of two clock readings and needs no conversion or rounding on the hot path. At 3
 * significant digits the bucket width is at most 1/1024 of the value (below 2,048 ns it is 1 ns),
 * so a 62 ms latency lands in a bucket about 61 us wide; summaries are reported in milliseconds to
 * 3 decimals (1 us), which is the precision the report promises and no more.
 *
 * Why our own bucket array and not hdr-histogram-js's `recordValue`: on this machine the library's
 * pure-JS build records 5 to 10 million values per second (it computes the bucket with `Math.log2`
 * and `Math.pow` per call), 100 to 200 ns each, up to a fifth of the 1 us budget per message of the
 * simulator's target. The same bucket index from `Math.clz32` and a shift records 125 to 160 million
 * values per second (benchLatencyHistogram in latency-histogram-bench.ts). The layout is the library's,
 * index for index, so the library still does what it is good at: the wire format (HdrHistogram V2,
 * compressed, base64, readable by every HdrHistogram port) in `toJson`/`fromJson`, and the tests
 * check our percentiles against its `getValueAtPercentile` on the same data.
 *
 * Exact figures: count, sum, min and max are kept beside the buckets, so the mean and the max are
 * exact (not bucket approximations), and merging shards adds integers, which is order-independent:
 * merged shards equal one histogram that recorded everything.
 */
import { createRequire } from 'node:module';
import type * as Hdr from 'hdr-histogram-js';
import type { LatencySummary } from './run-result.js';
import { DOUBLE_ZERO } from '../sim/stable-shapes.js';

/**
 * hdr-histogram-js is loaded on first use of the wire format, not with this module: loading it
 * takes about 70 ms (its WebAssembly build and zlib shim come along), which every CLI command would
 * otherwise pay even when it never writes a histogram.
 */
let hdrLibrary: typeof Hdr | undefined;
function hdr(): typeof Hdr {
  hdrLibrary ??= createRequire(import.meta.url)('hdr-histogram-js') as typeof Hdr;
  return hdrLibrary;
}

/** log2 of half the sub-bucket count for 3 significant digits (2 * 10^3 rounded up to 2^11). */
const SUB_BUCKET_HALF_COUNT_MAGNITUDE = 10;
const SUB_BUCKET_HALF_COUNT = 1 << SUB_BUCKET_HALF_COUNT_MAGNITUDE; // 1024
const SUB_BUCKET_MASK = 2 * SUB_BUCKET_HALF_COUNT - 1; // 2047
const TWO_POW_32 = 4_294_967_296;
/** The sum is kept as high * 2^40 + low so both parts stay exact integers (below 2^53). */
const SUM_LOW_SPAN = 1_099_511_627_776; // 2^40
/** Buckets allocated up front cover values below 2^32 ns (4.29 s); larger values grow the array. */
const INITIAL_COUNTS_LENGTH = (21 + 2) * SUB_BUCKET_HALF_COUNT;

export const LATENCY_HISTOGRAM_FORMAT = 'chatscale-latency-v1';

/** The JSON-able form of a histogram, for shards and workers to hand to a merge. */
export interface LatencyHistogramJson {
  format: typeof LATENCY_HISTOGRAM_FORMAT;
  /** Values are integer nanoseconds. */
  unit: 'ns';
  count: number;
  /** The exact sum of recorded values, as a decimal integer (it can pass 2^53). */
  sumNs: string;
  minNs: number;
  maxNs: number;
  /** Values above Number.MAX_SAFE_INTEGER recorded as that value. */
  clamped: number;
  /** HdrHistogram V2 compressed encoding, base64, of the bucket counts. */
  hdr: string;
}

/** A serialised histogram that cannot be read back, with the reason (bad input, not a bug). */
export class LatencyHistogramDecodeError extends Error {
  constructor(readonly reason: string) {
    super(`latency histogram: ${reason}`);
    this.name = 'LatencyHistogramDecodeError';
  }
}

/** Bucket index of a non-negative integer value, identical to HdrHistogram's countsArrayIndex. */
export function bucketIndexOf(valueNs: number): number {
  if (valueNs < TWO_POW_32) {
    // `| mask` sends values below 2048 to bucket 0; clz32 then gives floor(log2) without a float op.
    const bucket = 21 - Math.clz32(valueNs | SUB_BUCKET_MASK);
    return (bucket << SUB_BUCKET_HALF_COUNT_MAGNITUDE) + (valueNs >>> bucket);
  }
  const bucket = 53 - Math.clz32(valueNs / TWO_POW_32);
  return bucket * SUB_BUCKET_HALF_COUNT + Math.floor(valueNs / 2 ** bucket);
}

/** The lowest value that lands in bucket `index`. */
export function lowestValueAt(index: number): number {
  let bucket = (index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) - 1;
  let subBucket = (index & (SUB_BUCKET_HALF_COUNT - 1)) + SUB_BUCKET_HALF_COUNT;
  if (bucket < 0) {
    subBucket -= SUB_BUCKET_HALF_COUNT;
    bucket = 0;
  }
  return subBucket * 2 ** bucket;
}

/** The highest value that lands in bucket `index` (what HdrHistogram reports for a percentile). */
export function highestValueAt(index: number): number {
  const bucket = Math.max(0, (index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) - 1);
  return lowestValueAt(index) + 2 ** bucket - 1;
}

/** Nanoseconds to milliseconds rounded to 3 decimals (1 us), so JSON is stable. */
export function nsToMsRounded(valueNs: number): number {
  return Math.round(valueNs / 1000) / 1000;
}

export class LatencyHistogram {
  private counts = new Float64Array(INITIAL_COUNTS_LENGTH);
  private countTotal = 0;
  private sumHigh = 0;
  private sumLow = DOUBLE_ZERO;
  private minValueNs = Number.POSITIVE_INFINITY;
  private maxValueNs = DOUBLE_ZERO;
  private clampedCount = 0;
  /** Highest bucket index written since the last reset, so reset and scans stop there. */
  private indexMax = -1;

  /**
   * Records one latency. Fractions of a nanosecond are dropped; a negative, NaN or infinite value
   * is a bug in the caller (a clock went backwards) and throws.
   */
  record(valueNs: number): void {
    if (!(valueNs >= 0 && valueNs <= Number.MAX_SAFE_INTEGER)) this.recordOutOfRange(valueNs);
    else this.recordInteger(Math.floor(valueNs));
  }

  private recordInteger(valueNs: number): void {
    let index: number;
    if (valueNs < TWO_POW_32) {
      const bucket = 21 - Math.clz32(valueNs | SUB_BUCKET_MASK);
      index = (bucket << SUB_BUCKET_HALF_COUNT_MAGNITUDE) + (valueNs >>> bucket);
    } else {
      index = bucketIndexOf(valueNs);
    }
    if (index >= this.counts.length) this.grow(index);
    this.counts[index]!++;
    if (index > this.indexMax) this.indexMax = index;
    this.countTotal++;
    if (valueNs < SUM_LOW_SPAN) {
      // Both terms are below 2^40, so the sum is exact and carries at most once.
      let low = this.sumLow + valueNs;
      if (low >= SUM_LOW_SPAN) {
        this.sumHigh++;
        low -= SUM_LOW_SPAN;
      }
      this.sumLow = low;
    } else {
      this.addSum(Math.floor(valueNs / SUM_LOW_SPAN), valueNs % SUM_LOW_SPAN);
    }
    if (valueNs > this.maxValueNs) this.maxValueNs = valueNs;
    if (valueNs < this.minValueNs) this.minValueNs = valueNs;
  }

  private recordOutOfRange(valueNs: number): void {
    if (valueNs > Number.MAX_SAFE_INTEGER && valueNs !== Number.POSITIVE_INFINITY) {
      // Past 2^53 ns (104 days) integers are no longer exact; such a latency is only possible for a
      // message stored for months, and is counted rather than lost.
      this.clampedCount++;
      this.recordInteger(Number.MAX_SAFE_INTEGER);
      return;
    }
    throw new RangeError(`latency histogram: cannot record ${valueNs} ns (expected a finite value >= 0)`);
  }

  private grow(index: number): void {
    // Whole buckets at a time: a bucket is 1024 entries and a latency that needs one tends to repeat.
    const length = ((index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) + 1) * SUB_BUCKET_HALF_COUNT;
    const counts = new Float64Array(length);
    counts.set(this.counts);
    this.counts = counts;
  }

  get count(): number {
    return this.countTotal;
  }

  /** Exact sum of recorded values; a double, so exact only while below 2^53 (use toJson for more). */
  get sumNs(): number {
    return this.sumHigh * SUM_LOW_SPAN + this.sumLow;
  }

  /** Exact mean in nanoseconds (0 when empty). */
  get meanNs(): number {
    return this.countTotal === 0 ? 0 : this.sumNs / this.countTotal;
  }

  /** Exact smallest value recorded (0 when empty). */
  get minNs(): number {
    return this.countTotal === 0 ? 0 : this.minValueNs;
  }

  /** Exact largest value recorded (0 when empty). */
  get maxNs(): number {
    return this.maxValueNs;
  }

  get clamped(): number {
    return this.clampedCount;
  }

  /**
   * The value at a percentile (0 < percentile <= 100), as HdrHistogram defines it: the highest
   * value equivalent to the bucket that holds the percentile's count, but never above the exact
   * maximum (so p99.9 of ten equal values is that value, not the top of its bucket). 0 when empty.
   */
  percentileNs(percentile: number): number {
    return this.percentilesNs([percentile])[0]!;
  }

  /** Count, exact mean, p50, p90, p99, p99.9 and exact max, in ms rounded to 3 decimals. */
  summary(): LatencySummary {
    if (this.countTotal === 0) {
      return { count: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0 };
    }
    const [p50Ns, p90Ns, p99Ns, p999Ns] = this.percentilesNs([50, 90, 99, 99.9]);
    return {
      count: this.countTotal,
      meanMs: Math.round(this.meanNs / 1000) / 1000,
      p50Ms: nsToMsRounded(p50Ns!),
      p90Ms: nsToMsRounded(p90Ns!),
      p99Ms: nsToMsRounded(p99Ns!),
      p999Ms: nsToMsRounded(p999Ns!),
      maxMs: nsToMsRounded(this.maxValueNs),
    };
  }

  /** Several percentiles (ascending) in one pass over the buckets. */
  percentilesNs(percentiles: readonly number[]): number[] {
    const out: number[] = [];
    for (let i = 0; i < percentiles.length; i++) {
      const percentile = percentiles[i]!;
      if (!(percentile > 0 && percentile <= 100)) {
        throw new RangeError(`latency histogram: percentile ${percentile} is not in (0, 100]`);
      }
      if (i > 0 && percentile < percentiles[i - 1]!) {
        throw new RangeError('latency histogram: percentiles must be ascending');
      }
    }
    if (this.countTotal === 0) return percentiles.map(() => 0);
    let next = 0;
    let seen = 0;
    let target = this.countAt(percentiles[0]!);
    const counts = this.counts;
    for (let index = 0; index <= this.indexMax && next < percentiles.length; index++) {
      seen += counts[index]!;
      while (next < percentiles.length && seen >= target) {
        out.push(Math.min(highestValueAt(index), this.maxValueNs));
        next++;
        if (next < percentiles.length) target = this.countAt(percentiles[next]!);
      }
    }
    while (out.length < percentiles.length) out.push(this.maxValueNs);
    return out;
  }

  /**
   * The count a percentile must reach: rounded up to a whole count, less one ulp of slack so that
   * 0.99 * 100 (99.00000000000001) is 99. The same rule as hdr-histogram-js, so both agree.
   */
  private countAt(percentile: number): number {
    const countFp = (percentile / 100) * this.countTotal;
    return Math.max(Math.ceil(countFp - 2 ** (Math.floor(Math.log2(countFp)) - 52)), 1);
  }

  /** Adds everything `other` recorded; exact (counts and sums are integers). */
  merge(other: LatencyHistogram): void {
    if (other.countTotal === 0) return;
    if (other.indexMax >= this.counts.length) this.grow(other.indexMax);
    const counts = this.counts;
    const otherCounts = other.counts;
    for (let index = 0; index <= other.indexMax; index++) counts[index]! += otherCounts[index]!;
    if (other.indexMax > this.indexMax) this.indexMax = other.indexMax;
    this.countTotal += other.countTotal;
    this.addSum(other.sumHigh, other.sumLow);
    if (other.maxValueNs > this.maxValueNs) this.maxValueNs = other.maxValueNs;
    if (other.minValueNs < this.minValueNs) this.minValueNs = other.minValueNs;
    this.clampedCount += other.clampedCount;
  }

  private addSum(high: number, low: number): void {
    let sumLow = this.sumLow + low;
    let sumHigh = this.sumHigh + high;
    if (sumLow >= SUM_LOW_SPAN) {
      sumHigh += 1;
      sumLow -= SUM_LOW_SPAN;
    }
    this.sumLow = sumLow;
    this.sumHigh = sumHigh;
  }

  /** Forgets every value; keeps the buckets allocated (no garbage per interval). */
  reset(): void {
    if (this.indexMax >= 0) this.counts.fill(0, 0, this.indexMax + 1);
    this.indexMax = -1;
    this.countTotal = 0;
    this.sumHigh = 0;
    this.sumLow = 0;
    this.minValueNs = Number.POSITIVE_INFINITY;
    this.maxValueNs = 0;
    this.clampedCount = 0;
  }

  /** A compact JSON-able form that `fromJson` reads back exactly. */
  toJson(): LatencyHistogramJson {
    return {
      format: LATENCY_HISTOGRAM_FORMAT,
      unit: 'ns',
      count: this.countTotal,
      sumNs: (BigInt(this.sumHigh) * BigInt(SUM_LOW_SPAN) + BigInt(this.sumLow)).toString(),
      minNs: this.minNs,
      maxNs: this.maxValueNs,
      clamped: this.clampedCount,
      hdr: this.encodeHdr(),
    };
  }

  /** The bucket counts in HdrHistogram's V2 compressed base64 form. */
  encodeHdr(): string {
    const histogram = hdr().build({
      bitBucketSize: 64,
      autoResize: true,
      lowestDiscernibleValue: 1,
      highestTrackableValue: Math.max(2, this.maxValueNs),
      numberOfSignificantValueDigits: 3,
    });
    const counts = this.counts;
    for (let index = 0; index <= this.indexMax; index++) {
      const count = counts[index]!;
      if (count !== 0) histogram.recordValueWithCount(lowestValueAt(index), count);
    }
    return hdr().encodeIntoCompressedBase64(histogram);
  }

  static fromJson(json: unknown): LatencyHistogram {
    const data = checkJson(json);
    const decoded = decodeHdr(data.hdr);
    if (decoded.numberOfSignificantValueDigits !== 3 || decoded.lowestDiscernibleValue !== 1) {
      throw new LatencyHistogramDecodeError(
        `hdr: expected 3 significant digits and lowest value 1, got ${decoded.numberOfSignificantValueDigits} and ${decoded.lowestDiscernibleValue}`,
      );
    }
    const histogram = new LatencyHistogram();
    let total = 0;
    for (let index = 0; index < decoded.countsArrayLength; index++) {
      const count = decoded.getCountAtIndex(index);
      if (count === 0) continue;
      if (index >= histogram.counts.length) histogram.grow(index);
      histogram.counts[index] = count;
      histogram.indexMax = index;
      total += count;
    }
    if (total !== data.count) {
      throw new LatencyHistogramDecodeError(`count is ${data.count} but the buckets hold ${total}`);
    }
    if (data.count > 0) {
      if (bucketIndexOf(data.minNs) !== firstIndex(histogram.counts) || bucketIndexOf(data.maxNs) !== histogram.indexMax) {
        throw new LatencyHistogramDecodeError('minNs or maxNs does not match the buckets');
      }
    }
    const sum = BigInt(data.sumNs);
    const span = BigInt(SUM_LOW_SPAN);
    histogram.countTotal = data.count;
    histogram.sumHigh = Number(sum / span);
    histogram.sumLow = Number(sum % span);
    histogram.minValueNs = data.count === 0 ? Number.POSITIVE_INFINITY : data.minNs;
    histogram.maxValueNs = data.maxNs;
    histogram.clampedCount = data.clamped;
    return histogram;
  }

  /** Sum of several histograms (e.g. one per shard), as a new histogram. */
  static merged(histograms: Iterable<LatencyHistogram>): LatencyHistogram {
    const out = new LatencyHistogram();
    for (const histogram of histograms) out.merge(histogram);
    return out;
  }
}

function firstIndex(counts: Float64Array): number {
  for (let index = 0; index < counts.length; index++) if (counts[index] !== 0) return index;
  return -1;
}

function decodeHdr(encoded: string): Hdr.JsHistogram {
  try {
    const library = hdr();
    const decoded = library.decodeFromCompressedBase64(encoded, 64);
    if (!(decoded instanceof library.JsHistogram)) throw new Error('not a JS histogram');
    return decoded;
  } catch (error) {
    throw new LatencyHistogramDecodeError(`hdr: not a HdrHistogram V2 base64 encoding (${(error as Error).message})`);
  }
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function checkJson(json: unknown): LatencyHistogramJson {
  if (typeof json !== 'object' || json === null) throw new LatencyHistogramDecodeError('expected an object');
  const data = json as Record<string, unknown>;
  if (data['format'] !== LATENCY_HISTOGRAM_FORMAT) {
    throw new LatencyHistogramDecodeError(`format: expected "${LATENCY_HISTOGRAM_FORMAT}", got ${JSON.stringify(data['format'])}`);
  }
  if (data['unit'] !== 'ns') throw new LatencyHistogramDecodeError(`unit: expected "ns", got ${JSON.stringify(data['unit'])}`);
  for (const key of ['count', 'minNs', 'maxNs', 'clamped'] as const) {
    if (!isNonNegativeInteger(data[key])) {
      throw new LatencyHistogramDecodeError(`${key}: expected a non-negative integer, got ${JSON.stringify(data[key])}`);
    }
  }
  if (typeof data['sumNs'] !== 'string' || !/^(0|[1-9][0-9]*)$/.test(data['sumNs'])) {
    throw new LatencyHistogramDecodeError(`sumNs: expected a decimal integer string, got ${JSON.stringify(data['sumNs'])}`);
  }
  if (typeof data['hdr'] !== 'string') throw new LatencyHistogramDecodeError('hdr: expected a base64 string');
  return data as unknown as LatencyHistogramJson;
}
