/**
 * Seeded randomness for the kernel: named independent streams from one master seed, and a
 * stateless counter-based hash for the implicit population (DESIGN.md sections 4 and 5).
 *
 * Generator choice: seedrandom's Tyche-i. Measured here (Node 20, this 2-core box, four streams
 * interleaved, one generator per process, best of 4 runs of 10^7 draws):
 *
 *   generator   uint32 draws/s   53-bit floats/s (two draws)   -log(u) with 53-bit u
 *   xor128      356 M            186 M                         54 M
 *   tychei      278 M            145 M                         50 M
 *   xorwow      240 M            122 M                         44 M
 *   alea        178 M             79 M  (134 M via alea's own    32 M
 *                                       float + 21 bits)
 *   xorshift7   171 M             89 M                          46 M
 *   xor4096     165 M            111 M                          44 M
 *
 * xor128 is faster still, but it is purely linear over GF(2) and fails BigCrush's MatrixRank and
 * LinearComp; xorwow fails CollisionOver and SimpPoker. Tyche-i (a ChaCha-derived ARX round) has
 * no systematic BigCrush failures and is within 25% of xor128; once a log is taken (exponential
 * service times, the commonest draw) the gap is under 10%. Its state is four 32-bit words that
 * seedrandom lets us set directly, so a stream's 128-bit key becomes its state with no string
 * parsing.
 *
 * Floats use 53 random bits (two 32-bit draws): a 32-bit float caps an exponential at 22 means
 * and quantises tails that latency percentiles look at. Exponentials likewise take 53 bits, through
 * a ziggurat rather than -log(u) (session 3: 14 against 18 ns per draw, about 10% of a hold or of an
 * M/M/1 customer; see ziggurat-exponential.ts).
 */
import seedrandom from 'seedrandom';
import { ZIGGURAT_EXP_F, ZIGGURAT_EXP_K, ZIGGURAT_EXP_R, ZIGGURAT_EXP_W } from './ziggurat-exponential.js';
import { DOUBLE_ZERO } from './stable-shapes.js';

const TWO_POW_32 = 4294967296;
const TWO_POW_26 = 67108864;
const TWO_POW_29 = 536870912;
const TWO_POW_MINUS_52 = 2.220446049250313e-16;
const TWO_POW_MINUS_53 = 1.1102230246251565e-16;
const TWO_POW_MINUS_27 = 7.450580596923828e-9;
const TWO_POW_53 = 9007199254740992;

/** Largest n that nextInt accepts: beyond 2^53 integers are not exact in a number. */
export const RANDOM_INT_N_MAX = TWO_POW_53;

/**
 * Rejection loops below stop after this many rounds. Each round accepts with probability at
 * least 1/2, so reaching it (probability < 2^-64) means a broken generator, not bad luck.
 */
const REJECTION_ROUNDS_MAX = 64;
/** Where exponentialEdge leaves its draw for nextExponential (see there); read at once, so one cell serves every stream. */
const EDGE_DRAW = new Float64Array(1);

// ---------------------------------------------------------------------------------------------
// Bit twiddling shared by streams and the counter-based hash.

/** Maps two uint32 draws to a float in [0, 1) with 53 random bits (26 + 27). */
export function uint32PairToFloat(hi: number, lo: number): number {
  return ((hi >>> 5) * TWO_POW_26 + (lo >>> 6)) * TWO_POW_MINUS_53;
}

/**
 * Whether uint32PairToFloat(hi, lo) < p, from hi alone where that settles it: 1 (yes), 0 (no), or
 * -1 when lo is needed. hi gives the float's top 27 bits, so the float lies in [low, low + 2^-27)
 * and only a p inside that interval (a chance of 2^-27) needs lo. For comparisons with a
 * probability, which then cost one 32-bit draw or hash lane instead of two, with the same answer.
 */
export function floatBelowFromHigh(hi: number, p: number): number {
  const low = (hi >>> 5) * TWO_POW_MINUS_27;
  if (low + TWO_POW_MINUS_27 <= p) return 1;
  if (!(low < p)) return 0; // also for a NaN p, as `float < NaN` is false
  return -1;
}

/**
 * Maps two uint32 draws to a float in the open interval (0, 1): 52 random bits plus one half
 * step, so the smallest value is 2^-53 and the largest 1 - 2^-53; `Math.log` of it is finite.
 * (53 bits plus a half step would round up to exactly 1 for the top value.)
 */
export function uint32PairToOpen(hi: number, lo: number): number {
  return ((hi >>> 6) * TWO_POW_26 + (lo >>> 6) + 0.5) * TWO_POW_MINUS_52;
}

// MurmurHash3 (x86, 32-bit) constants. The word-at-a-time body below is exactly MurmurHash3_x86_32
// over the little-endian bytes of the words, which lets tests check it against published vectors.
const M3_C1 = 0xcc9e2d51 | 0;
const M3_C2 = 0x1b873593;
const M3_ADD = 0xe6546b64 | 0;
const M3_F1 = 0x85ebca6b | 0;
const M3_F2 = 0xc2b2ae35 | 0;
const LANE_SEED_A = 0;
const LANE_SEED_B = 0x9e3779b9 | 0;

function murmurRound(h: number, k: number): number {
  k = Math.imul(k, M3_C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, M3_C2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + M3_ADD) | 0;
}

/** Murmur3's finaliser. Returns the hash as an int32 (same bits as the uint32). */
function murmurFinish(h: number, byteLength: number): number {
  h ^= byteLength;
  h ^= h >>> 16;
  h = Math.imul(h, M3_F1);
  h ^= h >>> 13;
  h = Math.imul(h, M3_F2);
  return h ^ (h >>> 16);
}

/** MurmurHash3_x86_32 of a sequence of 32-bit words (taken as little-endian bytes). */
export function murmur3Words(words: ArrayLike<number>, seed: number): number {
  let h = seed | 0;
  for (let i = 0; i < words.length; i++) h = murmurRound(h, words[i]! | 0);
  return murmurFinish(h, words.length * 4) >>> 0;
}

// The hash works on int32 values throughout (`| 0`, not `>>> 0`): V8 keeps int32s unboxed, while
// a uint32 above 2^31 becomes a heap number when it crosses a call that was not inlined, which
// doubled the hash's cost when measured.

/** Low 32 bits (as int32) of a non-negative integer up to 2^53. */
function lo32(x: number): number {
  return x | 0;
}

/** High 21 bits of a non-negative integer up to 2^53. */
function hi32(x: number): number {
  return (x / TWO_POW_32) | 0;
}

function laneHash(laneSeed: number, seed: number, a: number, b: number): number {
  let h = murmurRound(laneSeed, lo32(seed));
  h = murmurRound(h, hi32(seed));
  h = murmurRound(h, lo32(a));
  h = murmurRound(h, hi32(a));
  h = murmurRound(h, lo32(b));
  h = murmurRound(h, hi32(b));
  return murmurFinish(h, 24);
}

/**
 * Counter-based hash: a uniform uint32 as a pure function of (seed, a, b). For the implicit
 * population: `hash64Uint32(populationSeed, userId, ATTRIBUTE_DEVICES)`. Arguments are
 * non-negative integers up to 2^53 (not checked: this is on the hot path). No state, no allocation.
 */
export function hash64Uint32(seed: number, a: number, b = 0): number {
  return laneHash(LANE_SEED_A, seed, a, b) >>> 0;
}

/**
 * Counter-based hash to a uniform float in [0, 1) with 53 bits, from two independently seeded
 * 32-bit lanes (64 bits of hash). Same argument rules as hash64Uint32; its first lane equals it.
 */
export function hash64Float(seed: number, a: number, b = 0): number {
  return uint32PairToFloat(laneHash(LANE_SEED_A, seed, a, b), laneHash(LANE_SEED_B, seed, a, b));
}

/** hash64Float(seed, a, b) < p, mostly from the first lane alone (see floatBelowFromHigh). */
export function hash64FloatBelow(seed: number, a: number, b: number, p: number): boolean {
  const hi = laneHash(LANE_SEED_A, seed, a, b);
  const settled = floatBelowFromHigh(hi, p);
  return settled >= 0 ? settled === 1 : uint32PairToFloat(hi, laneHash(LANE_SEED_B, seed, a, b)) < p;
}

/** As hash64Float, but in the open interval (0, 1), for inversion through a log. */
export function hash64Open(seed: number, a: number, b = 0): number {
  return uint32PairToOpen(laneHash(LANE_SEED_A, seed, a, b), laneHash(LANE_SEED_B, seed, a, b));
}

// ---------------------------------------------------------------------------------------------
// Stream keys: 128 bits, a hash of (parent key, name). Four Murmur3 lanes with distinct seeds.

const KEY_LANE_SEEDS = [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344] as const;
const KEY_TAG_ROOT = 0x524f4f54; // 'ROOT'
const KEY_TAG_CHILD = 0x4348494c; // 'CHIL'

/** A stream's identity: 4 x uint32. Two streams with equal keys produce equal sequences. */
export type StreamKey = readonly [number, number, number, number];

function deriveKey(words: number[]): StreamKey {
  // An array of doubles whatever the words (stable-shapes.ts): uint32 words past 2^31 would make
  // some keys arrays of doubles and others of small integers, two hidden classes for one field.
  return [
    DOUBLE_ZERO + murmur3Words(words, KEY_LANE_SEEDS[0]),
    DOUBLE_ZERO + murmur3Words(words, KEY_LANE_SEEDS[1]),
    DOUBLE_ZERO + murmur3Words(words, KEY_LANE_SEEDS[2]),
    DOUBLE_ZERO + murmur3Words(words, KEY_LANE_SEEDS[3]),
  ];
}

function childKey(parent: StreamKey, name: string): StreamKey {
  const words = [KEY_TAG_CHILD, parent[0], parent[1], parent[2], parent[3], name.length];
  for (let i = 0; i < name.length; i++) words.push(name.charCodeAt(i));
  return deriveKey(words);
}

function rootKey(masterSeed: number): StreamKey {
  // Two's complement split, so negative seeds are distinct from positive ones.
  const lo = masterSeed >>> 0;
  const hi = Math.floor(masterSeed / TWO_POW_32) >>> 0;
  return deriveKey([KEY_TAG_ROOT, lo, hi]);
}

// Tyche-i's own seeding constants (Neves and Araujo 2011), used if a key is all zero, the one
// state that Tyche-i maps to itself.
const TYCHE_C_INIT = 2654435769 | 0;
const TYCHE_D_INIT = 1367130551;
/** Rounds discarded after setting the state, as Tyche-i's reference seeding does. */
const TYCHE_WARMUP_ROUNDS = 20;

/** Tyche-i's state for a stream key, after the reference seeding's discarded rounds (by seedrandom). */
function tycheStateFromKey(key: StreamKey): { a: number; b: number; c: number; d: number } {
  let [a, b, c, d] = key;
  if ((a | b | c | d) === 0) {
    c = TYCHE_C_INIT;
    d = TYCHE_D_INIT;
  }
  const prng = seedrandom.tychei('', { state: { a: a | 0, b: b | 0, c: c | 0, d: d | 0 } });
  for (let i = 0; i < TYCHE_WARMUP_ROUNDS; i++) prng.int32();
  return prng.state();
}

function checkName(name: string): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new RangeError(`random stream name must be a non-empty string, got ${String(name)}`);
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * One seeded random stream. Every method is allocation-free. A stream is a pure function of its
 * key: the same key always yields the same sequence.
 */
export class RandomStream {
  /** Path of names from the root, e.g. `net/link-3`; for messages and debugging only. */
  readonly name: string;
  readonly key: StreamKey;
  // Tyche-i's four words, stepped in place by nextInt32.
  private tycheA: number;
  private tycheB: number;
  private tycheC: number;
  private tycheD: number;
  // Box-Muller style methods make normals in pairs; the second is kept here, in the stream, so a
  // distribution object shared by two components never hands one stream's draw to another.
  private gaussianSpare = DOUBLE_ZERO;
  private hasGaussianSpare = false;

  constructor(key: StreamKey, name: string) {
    this.key = key;
    this.name = name;
    const state = tycheStateFromKey(key);
    this.tycheA = state.a;
    this.tycheB = state.b;
    this.tycheC = state.c;
    this.tycheD = state.d;
  }

  /**
   * The next int32 draw: one Tyche-i round, exactly seedrandom's `tychei` step (a test compares
   * them draw for draw), but on the stream's own fields. Why not call seedrandom's `int32`: it is a
   * closure over a separate state object, which V8 does not inline at a call site shared by many
   * streams, and the call cost about 3.5 of the 12.5 ns of an exponential draw (session 4). Seeding
   * still goes through seedrandom.
   */
  protected nextInt32(): number {
    let a = this.tycheA;
    let b = this.tycheB;
    let c = this.tycheC;
    let d = this.tycheD;
    b = (b << 25) ^ (b >>> 7) ^ c;
    c = (c - d) | 0;
    d = (d << 24) ^ (d >>> 8) ^ a;
    a = (a - b) | 0;
    this.tycheB = b = (b << 20) ^ (b >>> 12) ^ c;
    this.tycheC = c = (c - d) | 0;
    this.tycheD = (d << 16) ^ (c >>> 16) ^ a;
    return (this.tycheA = (a - b) | 0);
  }

  /** Drops the normal kept from the last pair, so the next draw starts a pair afresh. */
  protected forgetSpareGaussian(): void {
    this.hasGaussianSpare = false;
  }

  /** Uniform integer in [0, 2^32). */
  nextUint32(): number {
    return this.nextInt32() >>> 0;
  }

  /** Uniform float in [0, 1) with 53 random bits. May be exactly 0: use nextOpen before a log. */
  nextFloat(): number {
    const hi = this.nextInt32();
    return uint32PairToFloat(hi, this.nextInt32());
  }

  /** nextFloat() < p, with the same draws (a Bernoulli trial of probability p). */
  nextFloatBelow(p: number): boolean {
    return this.nextFloat() < p;
  }

  /** Uniform float in the open interval (0, 1): never 0 nor 1, safe for `Math.log`. */
  nextOpen(): number {
    const hi = this.nextInt32();
    return uint32PairToOpen(hi, this.nextInt32());
  }

  /**
   * Standard exponential (mean 1) by the ziggurat (see ziggurat-exponential.ts): two draws give a
   * layer (8 bits) and u (53 bits), and in about 98.9% of calls the result is u times the layer's
   * scale, with no log. Kept this small so that V8 inlines it; the rest is in exponentialEdge.
   *
   * Why the edge hands its result back through EDGE_DRAW rather than returning it: when this is
   * inlined into a caller, V8 merged the fast path's unboxed double with the call's boxed result
   * into one boxed value, so every draw, not only the 1.1% that reach the edge, allocated a 16-byte
   * HeapNumber. reference-mm1 made 33 bytes of garbage per customer this way, a scavenge every few
   * milliseconds (session 12, heap sampling). Read from a typed array, both paths stay unboxed.
   */
  nextExponential(): number {
    const hi = this.nextInt32();
    const layer = hi & 0xff;
    const u = (hi >>> 8) * TWO_POW_29 + (this.nextInt32() >>> 3);
    if (u < ZIGGURAT_EXP_K[layer]!) return u * ZIGGURAT_EXP_W[layer]!;
    this.exponentialEdge(layer, u);
    return EDGE_DRAW[0]!;
  }

  /** The ziggurat's wedge test and tail, for a point outside its layer's rectangle; the draw goes to EDGE_DRAW. */
  private exponentialEdge(layer: number, u: number): void {
    // Each round accepts with probability above 0.98, so the loop bound is never reached by chance.
    for (let round = 0; round < REJECTION_ROUNDS_MAX; round++) {
      if (layer === 0) {
        EDGE_DRAW[0] = ZIGGURAT_EXP_R - Math.log(this.nextOpen());
        return;
      }
      const x = u * ZIGGURAT_EXP_W[layer]!;
      const fEdge = ZIGGURAT_EXP_F[layer]!;
      if (fEdge + this.nextFloat() * (ZIGGURAT_EXP_F[layer - 1]! - fEdge) < Math.exp(-x)) {
        EDGE_DRAW[0] = x;
        return;
      }
      const hi = this.nextInt32();
      layer = hi & 0xff;
      u = (hi >>> 8) * TWO_POW_29 + (this.nextInt32() >>> 3);
      if (u < ZIGGURAT_EXP_K[layer]!) {
        EDGE_DRAW[0] = u * ZIGGURAT_EXP_W[layer]!;
        return;
      }
    }
    throw new Error(`invariant: nextExponential rejected ${REJECTION_ROUNDS_MAX} points in a row on stream ${this.name}`);
  }

  /**
   * Unbiased uniform integer in [0, n) for an integer 1 <= n <= 2^53, by rejection: draws that
   * fall in the short last block of a power-of-two range are redrawn (probability < 1/2).
   */
  nextInt(n: number): number {
    if (!(n >= 1 && n <= TWO_POW_53 && n % 1 === 0)) {
      throw new RangeError(`nextInt: n must be an integer in [1, 2^53], got ${n}`);
    }
    if (n <= TWO_POW_32) {
      const limit = TWO_POW_32 - (TWO_POW_32 % n);
      for (let round = 0; round < REJECTION_ROUNDS_MAX; round++) {
        const u = this.nextInt32() >>> 0;
        if (u < limit) return u % n;
      }
    } else {
      const limit = TWO_POW_53 - (TWO_POW_53 % n);
      for (let round = 0; round < REJECTION_ROUNDS_MAX; round++) {
        const hi = this.nextInt32() >>> 11; // 21 bits
        const u = hi * TWO_POW_32 + (this.nextInt32() >>> 0);
        if (u < limit) return u % n;
      }
    }
    throw new Error(`invariant: nextInt(${n}) rejected ${REJECTION_ROUNDS_MAX} draws in a row on stream ${this.name}`);
  }

  /** Standard normal (mean 0, sd 1) by Marsaglia's polar method; the pair's second half is kept. */
  nextGaussian(): number {
    if (this.hasGaussianSpare) {
      this.hasGaussianSpare = false;
      return this.gaussianSpare;
    }
    // Acceptance is pi/4 per round.
    for (let round = 0; round < REJECTION_ROUNDS_MAX; round++) {
      const u = 2 * this.nextFloat() - 1;
      const v = 2 * this.nextFloat() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const scale = Math.sqrt((-2 * Math.log(s)) / s);
        this.gaussianSpare = v * scale;
        this.hasGaussianSpare = true;
        return u * scale;
      }
    }
    throw new Error(`invariant: nextGaussian rejected ${REJECTION_ROUNDS_MAX} pairs in a row on stream ${this.name}`);
  }

  /**
   * A child stream whose key is a hash of (this key, name). It does not consume draws from this
   * stream and does not depend on how far this stream has advanced, so forking never shifts
   * anything. Forking the same name twice gives two identical streams: give each child its own
   * name (e.g. `link-${id}`).
   */
  fork(name: string): RandomStream {
    checkName(name);
    return new RandomStream(childKey(this.key, name), `${this.name}/${name}`);
  }
}

/**
 * The root of all randomness in a run: one master seed, and named substreams whose keys are a
 * hash of (master seed, name). Asking for a stream never draws from another, so adding a new
 * named stream leaves every other stream's numbers unchanged.
 */
export class RandomStreams {
  readonly masterSeed: number;
  private readonly key: StreamKey;
  private readonly streams = new Map<string, RandomStream>();

  /** masterSeed: any safe integer (negative allowed). `key`: only for substreams(). */
  constructor(masterSeed: number, key?: StreamKey) {
    if (!Number.isSafeInteger(masterSeed)) {
      throw new RangeError(`master seed must be a safe integer, got ${masterSeed}`);
    }
    this.masterSeed = masterSeed;
    this.key = key ?? rootKey(masterSeed);
  }

  /**
   * A root of its own for one of several independent simulations of a run (a slice's parts): the
   * same stream names give other numbers than here and than under any other name, so the pieces'
   * random fluctuations do not coincide.
   */
  substreams(name: string): RandomStreams {
    checkName(name);
    return new RandomStreams(this.masterSeed, childKey(this.key, `#substreams:${name}`));
  }

  /**
   * The stream with this name. The same name returns the same (shared, already advanced) stream
   * object; each component should use its own name.
   */
  /** The key a stream of this name gets (for streams of another kind). */
  keyOf(name: string): StreamKey {
    checkName(name);
    return childKey(this.key, name);
  }

  stream(name: string): RandomStream {
    checkName(name);
    let stream = this.streams.get(name);
    if (stream === undefined) {
      stream = new RandomStream(childKey(this.key, name), name);
      this.streams.set(name, stream);
    }
    return stream;
  }

  /**
   * A seed for the counter-based hash (hash64Float and friends) for one purpose, e.g.
   * `hashSeed('population')`: a non-negative integer below 2^53 that depends on the master seed and
   * the name, so purposes do not share hash values.
   */
  hashSeed(name: string): number {
    checkName(name);
    const key = childKey(this.key, `#hash:${name}`);
    return (key[1] & 0x1fffff) * TWO_POW_32 + key[0];
  }
}
