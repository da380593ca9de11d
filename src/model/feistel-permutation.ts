/**
 * A keyed pseudo-random permutation of [0, n), n up to 2^36, that is not affine: which user holds
 * an activity (or popularity) rank. It must run both ways: forward at each draw (rank to user), and
 * backwards when a slice lists its own users' ranks to draw its senders directly (slice-users.ts).
 *
 * Why not the affine AffinePermutation that placement uses: composed with placement (also affine),
 * consecutive ranks would land on servers in an arithmetic progression, so with an unlucky key the
 * busiest users would crowd onto a few servers. A Feistel network breaks that regularity.
 *
 * Why this shape: x = hi m + lo with m = ceil(sqrt(n)), four Feistel rounds over Z_m x Z_m, each
 * (L, R) -> (R, (L + F(R)) mod m) with F a keyed hash, then cycle walking back into [0, n). As m^2
 * is below n + 2 sqrt(n) + 1, a walk is needed with probability under 3 / sqrt(n); the old
 * power-of-two Feistel (sessions 1 to 4) walked up to four times when n was just above a power of 4.
 * About 40 ns a call on distinct values here (scripts/permutation-timing.mjs; encrypt says why it
 * has no branch).
 */
import { hash64Uint32 } from '../sim/random.js';

const ROUNDS = 4;
const SALT_ROUND = 0xfe15;
/** Up to 2^36: m <= 2^18, so l m + r and the sums stay exact integers. */
export const FEISTEL_N_MAX = 2 ** 36;

export class FeistelPermutation {
  readonly n: number;
  /** The side of the square domain: m^2 >= n. */
  private readonly m: number;
  private readonly mOver2To32: number;
  private readonly roundKeys: Int32Array;

  constructor(n: number, key: number) {
    if (!Number.isInteger(n) || n < 1 || n > FEISTEL_N_MAX) throw new RangeError(`permutation: n must be an integer in [1, 2^36], got ${n}`);
    this.n = n;
    let m = Math.ceil(Math.sqrt(n));
    while (m * m < n) m++; // sqrt rounding
    this.m = m;
    this.mOver2To32 = m / 2 ** 32;
    this.roundKeys = Int32Array.from({ length: ROUNDS }, (_, i) => hash64Uint32(key >>> 0, i, SALT_ROUND));
  }

  /** perm(x) for x in [0, n). */
  forward(x: number): number {
    let y = this.encrypt(x);
    while (y >= this.n) y = this.encrypt(y);
    return y;
  }

  /** perm⁻¹(y) for y in [0, n). */
  inverse(y: number): number {
    let x = this.decrypt(y);
    while (x >= this.n) x = this.decrypt(x);
    return x;
  }

  /**
   * `out[i] = forward(first + i)` for i < count: a run of consecutive values (a group's membership
   * slots, group-slots.ts), two at a time as inverseOfEach does, for the same reason.
   */
  forwardOfRun(first: number, count: number, out: Float64Array): void {
    const m = this.m;
    const n = this.n;
    let i = 0;
    for (; i + 1 < count; i += 2) {
      const x0 = first + i;
      const x1 = x0 + 1;
      let l0 = Math.floor(x0 / m) | 0;
      let r0 = (x0 - l0 * m) | 0;
      let l1 = Math.floor(x1 / m) | 0;
      let r1 = (x1 - l1 * m) | 0;
      for (let round = 0; round < ROUNDS; round++) {
        let next0 = (l0 + this.round(round, r0) - m) | 0;
        let next1 = (l1 + this.round(round, r1) - m) | 0;
        next0 += m & (next0 >> 31);
        next1 += m & (next1 >> 31);
        l0 = r0;
        r0 = next0;
        l1 = r1;
        r1 = next1;
      }
      let y0 = l0 * m + r0;
      let y1 = l1 * m + r1;
      // Cycle walking, as in forward (rare: under 3 / sqrt(n) of the values).
      while (y0 >= n) y0 = this.encrypt(y0);
      while (y1 >= n) y1 = this.encrypt(y1);
      out[i] = y0;
      out[i + 1] = y1;
    }
    if (i < count) out[i] = this.forward(first + i);
  }

  /**
   * `out[i] = inverse(ys[i])` for i < count. The same values as `inverse`, two at a time: a Feistel
   * inverse is one chain of dependent multiplies (about 65 to 75 ns here), and two independent
   * chains interleaved overlap, 48 ns a value (session 8). A slice lists tens of millions of its
   * users' ranks this way during setup (slice-users.ts).
   */
  inverseOfEach(ys: Float64Array, out: Float64Array, count = ys.length): void {
    const m = this.m;
    const n = this.n;
    let i = 0;
    for (; i + 1 < count; i += 2) {
      const y0 = ys[i]!;
      const y1 = ys[i + 1]!;
      let l0 = Math.floor(y0 / m) | 0;
      let r0 = (y0 - l0 * m) | 0;
      let l1 = Math.floor(y1 / m) | 0;
      let r1 = (y1 - l1 * m) | 0;
      for (let round = ROUNDS - 1; round >= 0; round--) {
        let p0 = (r0 - this.round(round, l0)) | 0;
        let p1 = (r1 - this.round(round, l1)) | 0;
        p0 += m & (p0 >> 31);
        p1 += m & (p1 >> 31);
        r0 = l0;
        l0 = p0;
        r1 = l1;
        l1 = p1;
      }
      let x0 = l0 * m + r0;
      let x1 = l1 * m + r1;
      // Cycle walking, as in inverse (rare: under 3 / sqrt(n) of the values).
      while (x0 >= n) x0 = this.decrypt(x0);
      while (x1 >= n) x1 = this.decrypt(x1);
      out[i] = x0;
      out[i + 1] = x1;
    }
    if (i < count) out[i] = this.inverse(ys[i]!);
  }

  /**
   * The round function: r (below 2^18) mixed with the round's key by a murmur3-style finaliser, in
   * 32-bit integer arithmetic (the counter hash, hash64Uint32, cost 200 ns a permutation).
   */
  private round(i: number, r: number): number {
    let h = Math.imul(r ^ this.roundKeys[i]!, 0xcc9e2d51);
    h ^= h >>> 15;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    // Scaled into [0, m) by a multiply, not `%`: a double's remainder is a libc call (fmod), and
    // eight of them made a permutation cost 120 ns. `| 0` is the floor here (the product is in
    // [0, m), m <= 2^18), and keeps the rounds in int32 arithmetic.
    return ((h >>> 0) * this.mOver2To32) | 0;
  }

  /**
   * One pass of the rounds. Each round's sum is brought back into [0, m) without a branch: as a
   * branch it went either way at random, and its mispredictions took a third of a permutation's time
   * (scripts/permutation-timing.mjs: forward 64 to 67 ns, now 39 to 41; inverseOfEach 52 ns a value,
   * now 31; session 17). l and r are below
   * m <= 2^18, so the sums are int32s and `d + (m & (d >> 31))` adds m exactly when d is negative.
   */
  private encrypt(x: number): number {
    const m = this.m;
    let l = Math.floor(x / m) | 0;
    let r = (x - l * m) | 0;
    for (let i = 0; i < ROUNDS; i++) {
      let next = (l + this.round(i, r) - m) | 0;
      next += m & (next >> 31);
      l = r;
      r = next;
    }
    return l * m + r;
  }

  private decrypt(y: number): number {
    const m = this.m;
    let l = Math.floor(y / m) | 0;
    let r = (y - l * m) | 0;
    for (let i = ROUNDS - 1; i >= 0; i--) {
      // (l, r) = (R, L + F(R)): R is l, and L is r - F(l).
      let previousL = (r - this.round(i, l)) | 0;
      previousL += m & (previousL >> 31);
      r = l;
      l = previousL;
    }
    return l * m + r;
  }
}
