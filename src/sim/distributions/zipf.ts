import type { RandomStream } from '../random.js';
import {
  type Distribution,
  DistributionParamError,
  formatParam,
  REJECTION_ROUNDS_MAX,
  rejectionExhausted,
  requireNonNegative,
} from './distribution.js';
import { expm1OverX, generalizedHarmonic, log1pOverX } from './special-functions.js';

/**
 * How close (relative) to a rounding or squeeze boundary squareInverse's x may be before the exact
 * formula decides: 50 times the two forms' largest difference.
 */
const SQUARE_INVERSE_MARGIN = 1e-12;

/** Ranks are exact integers in a number up to 2^53. */
export const ZIPF_N_MAX = Number.MAX_SAFE_INTEGER;

/**
 * Zipf over ranks 1..n with P(k) proportional to k^-s, for n up to 2^53 and any s >= 0 including
 * s = 1 and s near 1, with no tables: rejection-inversion (Hörmann and Derflinger 1996, "Rejection-
 * inversion to generate variates from monotone discrete distributions"), in the variant with the
 * hat integral H(x) = (x^(1-s) - 1) / (1 - s), which has the limit ln x at s = 1 (the form Apache
 * Commons RNG uses). About one uniform, one exp and one log per draw; acceptance is above 90%.
 */
export class ZipfDistribution implements Distribution {
  readonly s: number;
  readonly n: number;
  readonly mean: number;
  readonly variance: number;
  /** P(rank 1) = 1 / H(n, s); P(rank k) = k^-s times this. */
  readonly probabilityOfRank1: number;
  /** H(1.5) - 1: the hat integral's lower end, so that rank 1 is always accepted. */
  private readonly hatIntegralLow: number;
  /** H(n + 0.5): the hat integral's upper end. */
  private readonly hatIntegralHigh: number;
  /** Width of the hat integral's range, hatIntegralLow - hatIntegralHigh (negative). */
  private readonly hatIntegralSpan: number;
  /** Squeeze: a candidate with k - x <= this is accepted without evaluating the hat. */
  private readonly squeeze: number;
  private readonly oneMinusS: number;
  /** s = 1/2 (every shipped scenario's senders): H⁻¹ has a cheaper form, see squareInverse. */
  private readonly sIsHalf: boolean;

  constructor(s: number, n: number) {
    requireNonNegative('zipf: s', s);
    if (!(Number.isInteger(n) && n >= 1 && n <= ZIPF_N_MAX)) {
      throw new DistributionParamError(`zipf: n must be an integer in [1, 2^53], got ${n}`);
    }
    this.s = s;
    this.n = n;
    this.oneMinusS = 1 - s;
    this.sIsHalf = s === 0.5;
    this.hatIntegralLow = this.hatIntegral(1.5) - 1;
    this.hatIntegralHigh = this.hatIntegral(n + 0.5);
    this.hatIntegralSpan = this.hatIntegralLow - this.hatIntegralHigh;
    this.squeeze = 2 - this.hatIntegralInverse(this.hatIntegral(2.5) - this.hat(2));

    const normaliser = generalizedHarmonic(n, s);
    this.probabilityOfRank1 = 1 / normaliser;
    this.mean = generalizedHarmonic(n, s - 1) / normaliser;
    const secondMoment = generalizedHarmonic(n, s - 2) / normaliser;
    this.variance = Math.max(0, secondMoment - this.mean * this.mean);
  }

  /** h(x) = x^-s, the unnormalised probability of rank x. */
  private hat(x: number): number {
    return Math.exp(-this.s * Math.log(x));
  }

  /** H(x) = (x^(1-s) - 1) / (1 - s), an antiderivative of h; ln x at s = 1. */
  private hatIntegral(x: number): number {
    const logX = Math.log(x);
    return expm1OverX(this.oneMinusS * logX) * logX;
  }

  /** The inverse of H. */
  private hatIntegralInverse(y: number): number {
    let t = y * this.oneMinusS;
    // Rounding can push t just below -1, where log1p is undefined.
    if (t < -1) t = -1;
    return Math.exp(log1pOverX(t) * y);
  }

  /**
   * H⁻¹(y) for s = 1/2, where it is (1 + y/2)^2: a square instead of hatIntegralInverse's log1p
   * and exp, which take most of a draw's time. The two agree to about 1e-14 relative (a few
   * roundings, each within an ulp, through exp's argument of at most 37). A draw uses x only to
   * round it to a rank and in the squeeze test, so the square is kept only where no point within
   * 1e-12 relative of it decides either differently; elsewhere (about 0.1% of draws) the answer is
   * hatIntegralInverse's. Either way the ranks drawn are exactly those of hatIntegralInverse.
   */
  private squareInverse(y: number): number {
    const root = 1 + y * 0.5;
    const x = root * root;
    const margin = x * SQUARE_INVERSE_MARGIN;
    let k = Math.floor(x + 0.5);
    const fromRounding = x + 0.5 - k;
    if (k < 1) k = 1;
    else if (k > this.n) k = this.n;
    const fromSqueeze = k - x - this.squeeze;
    if (fromRounding > margin && fromRounding < 1 - margin && Math.abs(fromSqueeze) > margin) return x;
    return this.hatIntegralInverse(y);
  }

  /** P(X = k) for a rank 1 <= k <= n. */
  probability(k: number): number {
    return k >= 1 && k <= this.n && Number.isInteger(k) ? this.probabilityOfRank1 * Math.pow(k, -this.s) : 0;
  }

  sample(rng: RandomStream): number {
    const n = this.n;
    for (let round = 0; round < REJECTION_ROUNDS_MAX; round++) {
      // u is uniform on (H(1.5) - 1, H(n + 0.5)].
      const u = this.hatIntegralHigh + rng.nextFloat() * this.hatIntegralSpan;
      const x = this.sIsHalf ? this.squareInverse(u) : this.hatIntegralInverse(u);
      let k = Math.floor(x + 0.5);
      if (k < 1) k = 1;
      else if (k > n) k = n;
      // Accept when u lies under the bar of rank k: H(k + 1/2) - h(k) <= u. The squeeze k - x <= s
      // implies it (the paper's Theorem 2), and saves the exp and log most of the time. Rank 1 is
      // always accepted because u > H(1.5) - 1 = H(1.5) - h(1).
      if (k - x <= this.squeeze || u >= this.hatIntegral(k + 0.5) - this.hat(k)) return k;
    }
    throw rejectionExhausted('zipf');
  }

  tailBound(_p: number): number {
    return this.n;
  }

  describe(): string {
    return `zipf(s=${formatParam(this.s)}, n=${formatParam(this.n)})`;
  }
}

/** Zipf over ranks 1..n with exponent s. */
export function zipf(s: number, n: number): ZipfDistribution {
  return new ZipfDistribution(s, n);
}
