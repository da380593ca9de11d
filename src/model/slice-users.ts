/**
 * Draws one of a slice's own users, uniformly or by the Zipf weight of its rank (rank^-s, the rank a
 * FeistelPermutation gives it), without looking at any user outside the slice. Slice fidelity draws
 * the one-to-one messages sent from the slice this way (slice-one-to-one.ts), instead of drawing the
 * whole deployment's senders and keeping the one in a hundred that is inside.
 *
 * How: the users are sorted into buckets by weight, bucket b holding weights in (2^-(b+1), 2^-b].
 * A draw picks a bucket in proportion to its total weight, then a user in it uniformly, kept with
 * probability weight 2^b (at least 1/2) or else redrawn in that bucket: exact for any skew s. The
 * table is 8 bytes a user: its position and its weight.
 */
import { largeBuffer } from '../core/large-buffers.js';
import type { RandomStream } from '../sim/random.js';
import type { FeistelPermutation } from './feistel-permutation.js';
import { DOUBLE_ZERO } from '../sim/stable-shapes.js';

/**
 * How far (relatively) fround(exp(-s ln rank)) can be from the closed form of rank^-s that
 * rankWeight32 tries first: Math.log and Math.exp are each within an ulp (fdlibm's bounds, which V8
 * keeps), so for ranks below 2^36 (ln rank < 25, an ulp 3.6e-15) and s of 1/2 or 1 (exact products)
 * the two differ by at most 4e-15 of the value; 2e-14 leaves a margin of five.
 */
const CLOSED_FORM_BAND = 2e-14;
/** Reads a float32's exponent: the first guess at a weight's bucket. */
const FLOAT32_CELL = new Float32Array(1);
const FLOAT32_BITS = new Uint32Array(FLOAT32_CELL.buffer);

/** A rejection loop this long fails with probability below 2^-64 (each round keeps at least half). */
const ROUNDS_MAX = 64;
/** Users whose ranks are found together (two scratch arrays of this many doubles). */
const RANK_CHUNK = 4096;

/** The slice's users: one run of user ids per region (where each starts, one more entry at the end). */
export interface SliceUserList {
  readonly users: Float64Array;
  readonly regionStart: Float64Array;
}

export interface SliceRanks {
  /** rank - 1 = ranks.inverse(user - firstUserId). */
  readonly ranks: FeistelPermutation;
  readonly firstUserId: number;
  /** Zipf skew s: weight rank^-s. */
  readonly skew: number;
}

export class SliceUserSampler {
  /** Users in the run drawn from. */
  readonly count: number;
  /** Their total weight: the sum of rank^-s, or the count when uniform. */
  readonly weight: number;
  private readonly users: Float64Array;
  private readonly first: number;
  /**
   * Bucket by bucket (null when uniform), each user's position in `users` and its weight, side by
   * side in one buffer (a uint32 and a float32 per user), so that a draw reads one place in memory
   * and needs neither the user's rank (a permutation backwards) nor a power. Weights are kept as
   * float32 (within 6e-8 of rank^-s), and the bucket totals are sums of those same float32 values,
   * so draws follow them exactly.
   */
  private readonly positions: Uint32Array | null;
  private readonly weights: Float32Array | null;
  /** Where each bucket starts (one more entry at the end). */
  private readonly bucketStart: Float64Array;
  /** Running total of the buckets' weights. */
  private readonly bucketCumulative: Float64Array;
  /** 2^-b: the largest weight bucket b holds. */
  private readonly bucketTop: Float64Array;

  /** Draws from users[first, end): uniformly when `ranks` is null, else by rank^-skew. */
  constructor(users: Float64Array, first: number, end: number, ranks: SliceRanks | null) {
    this.users = users;
    this.first = DOUBLE_ZERO + first;
    this.count = Math.max(0, end - first);
    if (users.length > 2 ** 32) throw new RangeError(`SliceUserSampler: ${users.length} users is more than a uint32 position holds`);
    if (ranks === null || !(ranks.skew > 0)) {
      this.weight = this.count;
      this.positions = null;
      this.weights = null;
      this.bucketStart = new Float64Array(0);
      this.bucketCumulative = new Float64Array(0);
      this.bucketTop = new Float64Array(0);
      return;
    }
    // Every weight is at least n^-s (n the permutation's size), which bounds the buckets.
    const buckets = Math.ceil(-Math.log2(Math.pow(ranks.ranks.n, -ranks.skew))) + 2;
    this.bucketTop = Float64Array.from({ length: buckets + 1 }, (_, b) => 2 ** -b);
    // Every array here is written in full before it is read, so a recycled buffer need not be
    // zeroed (large-buffers.ts: a part reuses the memory of the part before it on its thread, whose
    // fresh pages cost a fault each; global-2025's sender table takes 52 MB a part).
    const weightOf = new Float32Array(largeBuffer(this.count * 4, false), 0, this.count);
    const bucketOf = new Uint16Array(largeBuffer(this.count * 2, false), 0, this.count);
    const counts = new Float64Array(buckets);
    const weights = new Float64Array(buckets);
    const skew = ranks.skew;
    // Ranks a chunk at a time (FeistelPermutation.inverseOfEach: two inverses overlap).
    const locals = new Float64Array(Math.min(RANK_CHUNK, this.count));
    const rankLess1 = new Float64Array(locals.length);
    for (let start = 0; start < this.count; start += RANK_CHUNK) {
      const chunk = Math.min(RANK_CHUNK, this.count - start);
      for (let j = 0; j < chunk; j++) locals[j] = users[first + start + j]! - ranks.firstUserId;
      ranks.ranks.inverseOfEach(locals, rankLess1, chunk);
      for (let j = 0; j < chunk; j++) {
        const i = start + j;
        const w = rankWeight32(rankLess1[j]! + 1, skew);
        // The bucket guessed from the weight's float32 exponent: w in [2^(e-127), 2^(e-126)) is in
        // bucket 126 - e, or 127 - e when it is that power of two (bucketNear steps to it).
        FLOAT32_CELL[0] = w;
        const b = this.bucketNear(w, 126 - (FLOAT32_BITS[0]! >>> 23));
        weightOf[i] = w;
        bucketOf[i] = b;
        counts[b]++;
        weights[b] += w;
      }
    }
    this.bucketStart = new Float64Array(buckets + 1);
    this.bucketCumulative = new Float64Array(buckets);
    let total = 0;
    for (let b = 0; b < buckets; b++) {
      this.bucketStart[b + 1] = this.bucketStart[b]! + counts[b]!;
      total += weights[b]!;
      this.bucketCumulative[b] = total;
    }
    this.weight = total;
    const next = this.bucketStart.slice(0, buckets);
    const buffer = largeBuffer(this.count * 8, false);
    this.positions = new Uint32Array(buffer, 0, 2 * this.count);
    this.weights = new Float32Array(buffer, 0, 2 * this.count);
    for (let i = 0; i < this.count; i++) {
      const j = next[bucketOf[i]!]!++;
      this.positions[2 * j] = first + i;
      this.weights[2 * j + 1] = weightOf[i]!;
    }
  }

  /** A user, or -1 when the run is empty. */
  sample(rng: RandomStream): number {
    const position = this.samplePosition(rng);
    return position < 0 ? -1 : this.users[position]!;
  }

  /** Where a drawn user is in the users list (its dense index in a slice), or -1 when the run is empty. */
  samplePosition(rng: RandomStream): number {
    if (this.count === 0) return -1;
    if (this.positions === null) return this.first + rng.nextInt(this.count);
    // The bucket in proportion to its weight (binary search of the running totals); then a user in
    // it, kept with probability weight / 2^-b and else redrawn in the same bucket, so that a user
    // is drawn with probability (W_b / W) (w / W_b).
    const cumulative = this.bucketCumulative;
    const point = rng.nextFloat() * this.weight;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > point) hi = mid;
      else lo = mid + 1;
    }
    const start = this.bucketStart[lo]!;
    const size = this.bucketStart[lo + 1]! - start;
    const top = this.bucketTop[lo]!;
    for (let round = 0; round < ROUNDS_MAX && size > 0; round++) {
      const j = start + rng.nextInt(size);
      if (rng.nextFloat() * top < this.weights![2 * j + 1]!) return this.positions[2 * j]!;
    }
    throw new Error(`invariant: SliceUserSampler rejected ${ROUNDS_MAX} draws in a row`);
  }

  /**
   * The bucket of a weight w in (0, 1]: b with w in (2^-(b+1), 2^-b], from `guess`, floor(-log2 w)
   * as computed (rounding, and w's rounding to float32, can put w a hair outside its bounds: the
   * loops step back in).
   */
  private bucketNear(w: number, guess: number): number {
    const top = this.bucketTop;
    let b = Math.min(top.length - 2, Math.max(0, guess));
    while (b > 0 && w > top[b]!) b--;
    while (b < top.length - 2 && w <= top[b + 1]!) b++;
    return b;
  }
}

/**
 * rank^-skew rounded to float32, exactly as `Math.fround(Math.exp(-skew * Math.log(rank)))` gives
 * it: the table's weight of a rank. exp(-s ln rank) is half the cost of Math.pow, and is taken tens
 * of millions of times in a slice's setup; at skews 1/2 and 1 (the shipped scenarios' activity skew
 * is 1/2) the closed form, 1 / sqrt(rank) or 1 / rank, both correctly rounded, stands in for it
 * wherever it rounds to the same float32 (weightOf32), which is all but about one rank in three
 * million, and costs neither the log nor the exp.
 */
export function rankWeight32(rank: number, skew: number): number {
  if (skew === 0.5 || skew === 1) {
    const closed = weightOf32(skew === 0.5 ? 1 / Math.sqrt(rank) : 1 / rank);
    if (closed >= 0) return closed;
  }
  return Math.fround(Math.exp(-skew * Math.log(rank)));
}

/**
 * `value` rounded to float32 when every double within CLOSED_FORM_BAND of it rounds to the same
 * float32, so that fround(exp(-s ln rank)) is that float32 too; else -1 (a value within the band of
 * a float32 rounding boundary, about one rank in three million: the caller takes the exp).
 */
function weightOf32(value: number): number {
  const low = Math.fround(value * (1 - CLOSED_FORM_BAND));
  return low === Math.fround(value * (1 + CLOSED_FORM_BAND)) ? low : -1;
}
