/**
 * A keyed pseudo-random permutation of [0, n): a four-round balanced Feistel network on the
 * smallest even number of bits covering n, with cycle walking to stay inside [0, n) (Black and
 * Rogaway, 2002). Hash placement puts user u on server perm(u) mod count, which spreads users as
 * a hash would and can also be run backwards: the users of server s are perm⁻¹(s), perm⁻¹(s +
 * count), ..., so a slice finds its users without looking at anyone else's (DESIGN.md section 4).
 */
import { hash64Uint32 } from '../sim/random.js';

/** Rounds of the network (forwardUint32 writes these four out). */
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
  /** Whether a block fits in 32 bits (n up to 2^32): forward takes forwardUint32's way then. */
  private readonly fitsUint32: boolean;
  /** roundKeys one by one, for forwardUint32, as halfKeyOf gives them. */
  private readonly key0: number;
  private readonly key1: number;
  private readonly key2: number;
  private readonly key3: number;

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
    this.fitsUint32 = this.halfBits <= 16;
    this.key0 = halfKeyOf(this.roundKeys[0]!);
    this.key1 = halfKeyOf(this.roundKeys[1]!);
    this.key2 = halfKeyOf(this.roundKeys[2]!);
    this.key3 = halfKeyOf(this.roundKeys[3]!);
  }

  /** perm(x) for x in [0, n). */
  forward(x: number): number {
    if (this.fitsUint32) return this.forwardUint32(x);
    let y = x;
    for (let walk = 0; walk < WALKS_MAX; walk++) {
      y = this.encrypt(y);
      if (y < this.n) return y;
    }
    throw new Error(`permutation: cycle walking did not return into [0, ${this.n}) (broken invariant)`);
  }

  /** perm⁻¹(y) for y in [0, n). */
  inverse(y: number): number {
    if (this.fitsUint32) return this.inverseUint32(y);
    let x = y;
    for (let walk = 0; walk < WALKS_MAX; walk++) {
      x = this.decrypt(x);
      if (x < this.n) return x;
    }
    throw new Error(`permutation: cycle walking did not return into [0, ${this.n}) (broken invariant)`);
  }

  /** The round function (see mix) with the round's key, cut to a half. */
  private round(half: number, round: number): number {
    return mix(half, this.roundKeys[round]!) & this.halfMask;
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

  /**
   * forward for a block below 2^32 (halves of up to 16 bits, every region of up to 4 billion
   * users): the same result as encrypt's, with the halves split by shifts and masks in int32 and
   * the four rounds written out, the keys in locals. A slice's dry run maps users to their homes
   * several times per message, and this more than halved the time of forward (170 to 75 ns for
   * 1.1 billion users, measured). Each walk's rounds depend on the last, so it is bound by latency
   * (about 4 walks when n is just above a power of 4).
   */
  private forwardUint32(x: number): number {
    const n = this.n;
    const bits = this.halfBits;
    const mask = this.halfMask;
    const key0 = this.key0;
    const key1 = this.key1;
    const key2 = this.key2;
    const key3 = this.key3;
    let left = x >>> bits;
    let right = x & mask;
    for (let walk = 0; walk < WALKS_MAX; walk++) {
      // Four rounds: (left, right) becomes (right, left ^ F(right)) each time.
      const r1 = (left ^ mixHalf(right, key0)) & mask;
      const r2 = (right ^ mixHalf(r1, key1)) & mask;
      const r3 = (r1 ^ mixHalf(r2, key2)) & mask;
      const r4 = (r2 ^ mixHalf(r3, key3)) & mask;
      const y = ((r3 << bits) | r4) >>> 0;
      if (y < n) return y;
      // Cycle walking: the block goes round again, its halves as they are.
      left = r3;
      right = r4;
    }
    throw new Error(`permutation: cycle walking did not return into [0, ${this.n}) (broken invariant)`);
  }

  /**
   * inverse for a block below 2^32, as forwardUint32 is forward's: the rounds undone in reverse
   * order, in int32. A slice's setup runs it once per user of the slice (30 M for global-2025).
   */
  private inverseUint32(y: number): number {
    const n = this.n;
    const bits = this.halfBits;
    const mask = this.halfMask;
    const key0 = this.key0;
    const key1 = this.key1;
    const key2 = this.key2;
    const key3 = this.key3;
    let left = y >>> bits;
    let right = y & mask;
    for (let walk = 0; walk < WALKS_MAX; walk++) {
      // Four rounds back: (left, right) becomes (right ^ F(left), left) each time.
      const l3 = (right ^ mixHalf(left, key3)) & mask;
      const l2 = (left ^ mixHalf(l3, key2)) & mask;
      const l1 = (l3 ^ mixHalf(l2, key1)) & mask;
      const l0 = (l2 ^ mixHalf(l1, key0)) & mask;
      const x = ((l0 << bits) | l1) >>> 0;
      if (x < n) return x;
      left = l0;
      right = l1;
    }
    throw new Error(`permutation: cycle walking did not return into [0, ${this.n}) (broken invariant)`);
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

/**
 * The round function: the half (below 2^26) mixed with the round's key by MurmurHash3's
 * finaliser, all in int32 (callers cut it to a half). A slice's setup runs the permutation
 * backwards once per user of the slice (tens of millions), and the workload forwards at every
 * draw of a user, so this is hot;
 * the full counter hash it replaced cost about five times as much. A Feistel network is a
 * permutation whatever the round function; this one only has to scatter users evenly.
 */
function mix(half: number, key: number): number {
  let h = half ^ key;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * mix's first two steps for a half below 2^16 (forwardUint32's): `h = half ^ key; h ^= h >>> 16`
 * leaves h >>> 16 equal to key >>> 16, so they are `half ^ halfKeyOf(key)`, one step shorter on
 * the rounds' chain of dependent steps.
 */
function halfKeyOf(key: number): number {
  return key ^ (key >>> 16);
}

/** mix(half, key) for a half below 2^16, given halfKeyOf(key). */
function mixHalf(half: number, halfKey: number): number {
  let h = Math.imul(half ^ halfKey, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
