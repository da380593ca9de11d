/**
 * Two sums the analytic estimate (analytic.ts, operation-counts.ts) needs for caches that start
 * cold: the share of a key's accesses in the measured window that find it untouched since the
 * start, and its average over the keys of a uniform or Zipf pick.
 */
import { ZipfDistribution } from '../../sim/distributions/index.js';

/** Ranks of a Zipf pick summed one by one; beyond, in geometric buckets of this ratio. */
const ZIPF_EXACT_RANKS = 2000;
const ZIPF_BUCKET_RATIO = 1.02;

/**
 * Of the accesses in the measured window [startS, endS] (seconds from the run's start) to a key
 * accessed as a Poisson stream of rate `ratePerSecond`, the share that find it untouched since the
 * start: a cache miss of a cache that starts cold, a group's first message from a device. It is
 * also the mean over the window of P(untouched by then) = exp(-rate t), and the share of the
 * window's first logins among all its logins at that rate (backlog drains). (e^-aw - e^-aT) / (a (T - w)).
 */
export function firstTouchShare(ratePerSecond: number, startS: number, endS: number): number {
  const x = ratePerSecond * (endS - startS);
  const atStart = Math.exp(-ratePerSecond * startS);
  if (!(x > 1e-12)) return atStart;
  return (atStart * -Math.expm1(-x)) / x;
}

/**
 * Sum over the ranks k of a pick over n keys of P(k) g(P(k)): Zipf with skew s (P(k) proportional
 * to k^-s), or uniform (s = 0). Exact for the first ranks, then in geometric buckets.
 */
export function pickAverage(n: number, skew: number, g: (p: number) => number): number {
  if (!(n >= 1)) return 0;
  if (!(skew > 0)) return g(1 / n);
  const p1 = new ZipfDistribution(skew, n).probabilityOfRank1;
  let sum = 0;
  const exact = Math.min(n, ZIPF_EXACT_RANKS);
  for (let k = 1; k <= exact; k++) {
    const p = p1 * Math.pow(k, -skew);
    sum += p * g(p);
  }
  // Bucket [a, b]: its weight by the integral of x^-s over [a - 1/2, b + 1/2], its P at its middle.
  const integral = (lo: number, hi: number) => (skew === 1 ? Math.log(hi / lo) : (Math.pow(hi, 1 - skew) - Math.pow(lo, 1 - skew)) / (1 - skew));
  for (let a = exact + 1; a <= n; ) {
    const b = Math.min(n, Math.max(a, Math.floor(a * ZIPF_BUCKET_RATIO)));
    const weight = p1 * integral(a - 0.5, b + 0.5);
    sum += weight * g(p1 * Math.pow(Math.sqrt(a * b), -skew));
    a = b + 1;
  }
  return sum;
}
