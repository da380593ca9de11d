/**
 * A keyed pseudo-random permutation of [0, n): a four-round balanced Feistel network on the
 * smallest even number of bits covering n, with cycle walking to stay inside [0, n) (Black and
 * Rogaway, 2002). Hash placement puts user u on server perm(u) mod count, which spreads users as
 * a hash would and can also be run backwards: the users of server s are perm⁻¹(s), perm⁻¹(s +
 * count), ..., so a slice finds its users without looking at anyone else's (DESIGN.md section 4).
 */
import { hash64Uint32 } from '../sim/random.js';

const ROUNDS = 4;
const SALT_ROUND_KEY = 0x5eed;
/** Cycle walking leaves [0, n) with probability below 3/4 per step; this bound is never reached. */
const WALKS_MAX = 10_000;

export class FeistelPermutation {
  readonly n: number;
  private readonly halfBits: number;
  private readonly halfMask: number;
  private readonly halfSize: number;
  /** One 32-bit key per round, derived from the permutation's key. */
  private readonly roundKeys: Int32Array;

  constructor(n: number, key: number) {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 52) throw new RangeError(`permutation: n must be an integer in [1, 2^52], got ${n}`);
    let bits = 2;
    while (2 ** bits < n) bits += 2;
    this.n = n;
    this.halfBits = bits / 2;
    this.halfSize = 2 ** this.halfBits;
    this.halfMask = this.halfSize - 1;
    this.roundKeys = new Int32Array(ROUNDS);
    for (let r = 0; r < ROUNDS; r++) this.roundKeys[r] = hash64Uint32(key >>> 0, r, SALT_ROUND_KEY) | 0;
  }

  /** perm(x) for x in [0, n). */
  forward(x: number): number {
    let y = x;
    for (let walk = 0; walk < WALKS_MAX; walk++) {
      y = this.encrypt(y);
      if (y < this.n) return y;
    }
    throw new Error(`permutation: cycle walking did not return into [0, ${this.n}) (broken invariant)`);
  }

  /** perm⁻¹(y) for y in [0, n). */
  inverse(y: number): number {
    let x = y;
    for (let walk = 0; walk < WALKS_MAX; walk++) {
      x = this.decrypt(x);
      if (x < this.n) return x;
    }
    throw new Error(`permutation: cycle walking did not return into [0, ${this.n}) (broken invariant)`);
  }

  /**
   * The round function: the half (below 2^26) mixed with the round's key by MurmurHash3's
   * finaliser, all in int32. A slice's setup runs the permutation backwards once per user of the
   * slice (tens of millions), and the workload forwards at every draw of a user, so this is hot;
   * the full counter hash it replaced cost about five times as much. A Feistel network is a
   * permutation whatever the round function; this one only has to scatter users evenly.
   */
  private round(half: number, round: number): number {
    let h = half ^ this.roundKeys[round]!;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h & this.halfMask;
  }

  private encrypt(x: number): number {
    let left = Math.floor(x / this.halfSize);
    let right = x - left * this.halfSize;
    for (let r = 0; r < ROUNDS; r++) {
      const next = (left ^ this.round(right, r)) & this.halfMask;
      left = right;
      right = next;
    }
    return left * this.halfSize + right;
  }

  private decrypt(y: number): number {
    let left = Math.floor(y / this.halfSize);
    let right = y - left * this.halfSize;
    for (let r = ROUNDS - 1; r >= 0; r--) {
      const previous = (right ^ this.round(left, r)) & this.halfMask;
      right = left;
      left = previous;
    }
    return left * this.halfSize + right;
  }
}
