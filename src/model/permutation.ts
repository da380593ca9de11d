/**
 * A keyed permutation of [0, n): x -> (a x + b) mod n, with a coprime to n, both drawn from the
 * key. Hash placement puts user u on server perm(u) mod count, which spreads users evenly (each
 * server gets its exact share) and can also be run backwards: the users of server s are perm⁻¹(s),
 * perm⁻¹(s + count), ..., so a slice finds its users without looking at anyone else's (DESIGN.md
 * section 4).
 *
 * Why affine and not a Feistel network (sessions 1 to 4): a slice asks for the home of every user
 * its dry runs draw, several per candidate message, and a four-round Feistel network with cycle
 * walking cost 50 to 75 ns per call at a billion users (up to four walks when n is just above a
 * power of 4); this is a multiply and a division. The permutation only has to spread users over
 * servers without favouring any: every attribute a user has (activity rank, devices, groups) is a
 * hash of its id, independent of where consecutive ids land, so the affine map's regular stride
 * (consecutive users land `a mod count` servers apart) correlates with nothing.
 */
import { hash64Float, hash64Uint32 } from '../sim/random.js';

const SALT_MULTIPLIER = 0x5eed;
const SALT_OFFSET = 0x5eee;
/** The multiplier is drawn from [2^16, 2^21): large enough to scatter, small enough that a x + b is exact. */
const MULTIPLIER_MIN = 2 ** 16;
const MULTIPLIER_MAX = 2 ** 21;
/** Regions up to 2^36 users (68 billion): a x + b stays below 2^53 with a multiplier of at least 2^16. */
const N_MAX = 2 ** 36;
const CHUNK_BITS = 12;
const CHUNK = 2 ** CHUNK_BITS;

export class AffinePermutation {
  readonly n: number;
  private readonly a: number;
  private readonly b: number;
  /** a⁻¹ mod n. */
  private readonly aInverse: number;

  constructor(n: number, key: number) {
    if (!Number.isInteger(n) || n < 1 || n > N_MAX) throw new RangeError(`permutation: n must be an integer in [1, 2^36], got ${n}`);
    this.n = n;
    const k = key >>> 0;
    // The largest multiplier that keeps a x + b below 2^53 for every x < n.
    const ceiling = Math.min(MULTIPLIER_MAX, Math.floor((2 ** 53 - n) / n));
    const floor = Math.min(MULTIPLIER_MIN, ceiling);
    let a = n === 1 ? 0 : (floor + Math.floor(hash64Float(k, 0, SALT_MULTIPLIER) * (ceiling - floor))) % n;
    while (n > 1 && gcd(a, n) !== 1) a = (a + 1) % n;
    this.a = a;
    this.b = hash64Uint32(k, 1, SALT_OFFSET) % n;
    this.aInverse = n === 1 ? 0 : modularInverse(a, n);
  }

  /** perm(x) for x in [0, n). */
  forward(x: number): number {
    const n = this.n;
    const v = this.a * x + this.b; // exact: below 2^53 (see the constructor)
    const r = v - Math.floor(v / n) * n;
    // The quotient's rounding can put r one n off near a multiple of n.
    return r < 0 ? r + n : r >= n ? r - n : r;
  }

  /** perm⁻¹(y) for y in [0, n). */
  inverse(y: number): number {
    const n = this.n;
    return mulMod(this.aInverse, y >= this.b ? y - this.b : y - this.b + n, n);
  }

  /**
   * Calls `visit` with perm⁻¹(first), perm⁻¹(first + step), ... for the values below n, in that
   * order: each one from the last by one addition (x + a⁻¹ step mod n), so that a slice's setup
   * lists tens of millions of users at about a nanosecond each.
   */
  forEachInverse(first: number, step: number, visit: (x: number) => void): void {
    const n = this.n;
    if (first >= n) return;
    const stride = mulMod(this.aInverse, step % n, n);
    let x = this.inverse(first);
    for (let y = first; y < n; y += step) {
      visit(x);
      x += stride;
      if (x >= n) x -= n;
    }
  }
}

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** a⁻¹ mod n for a coprime to n (extended Euclid in BigInt: run once per region). */
function modularInverse(a: number, n: number): number {
  let [oldR, r] = [BigInt(a), BigInt(n)];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  const inverse = ((oldS % BigInt(n)) + BigInt(n)) % BigInt(n);
  return Number(inverse);
}

/**
 * (x y) mod n, exactly, for x, y < n <= 2^36: y taken 12 bits at a time (each step below 2^49).
 * No `%` on doubles (a libc fmod call each, six of them a call: 0.7% of a global-2025 part, through
 * the group members' slots): the chunks by exact divisions by powers of two, and each remainder as
 * v - floor(v / n) n, one n off at most where the quotient rounds.
 */
function mulMod(x: number, y: number, n: number): number {
  const top = Math.floor(y / 2 ** (2 * CHUNK_BITS));
  const upper = Math.floor(y / CHUNK);
  let r = reduce(x * top, n);
  r = reduce(r * CHUNK + x * (upper - top * CHUNK), n);
  return reduce(r * CHUNK + x * (y - upper * CHUNK), n);
}

/** v mod n for 0 <= v < 2^53, n > 0. */
function reduce(v: number, n: number): number {
  const r = v - Math.floor(v / n) * n;
  return r < 0 ? r + n : r >= n ? r - n : r;
}
