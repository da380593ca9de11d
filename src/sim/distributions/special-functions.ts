/**
 * Special functions needed for exact moments: the normal upper tail and the generalized harmonic
 * numbers. Used when a distribution is built, never per sample.
 */

const INV_SQRT_2PI = 0.3989422804014327;
/** Below this the Taylor series for the normal CDF is used, above it the continued fraction. */
const NORMAL_SERIES_X_MAX = 2.5;
const SERIES_TERMS_MAX = 500;
const CONTINUED_FRACTION_TERMS_MAX = 5000;
const EPSILON = 1e-17;

/** Standard normal density. */
export function normalPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

/**
 * Mills ratio Q(x) / phi(x) for x >= NORMAL_SERIES_X_MAX by its continued fraction
 * 1 / (x + 1 / (x + 2 / (x + 3 / (x + ...)))), evaluated with the modified Lentz method.
 * Relative accuracy near machine precision, with no cancellation however far out the tail is.
 */
function millsRatioContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k <= CONTINUED_FRACTION_TERMS_MAX; k++) {
    d = x + k * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = x + k / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < EPSILON) return 1 / f;
  }
  return 1 / f;
}

/**
 * Sum of x^(2n+1) / (1 * 3 * 5 * ... * (2n+1)), so that Phi(x) = 1/2 + phi(x) * sum
 * (Marsaglia 2004). Converges for every x; used where it loses no relative accuracy.
 */
function normalSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n <= SERIES_TERMS_MAX; n++) {
    term *= x2 / (2 * n + 1);
    sum += term;
    if (Math.abs(term) <= EPSILON * Math.abs(sum)) break;
  }
  return sum;
}

/** Upper tail Q(x) = P(Z > x) of the standard normal, with relative accuracy about 1e-14. */
export function normalUpperTail(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= NORMAL_SERIES_X_MAX) return x === Infinity ? 0 : normalPdf(x) * millsRatioContinuedFraction(x);
  if (x <= -NORMAL_SERIES_X_MAX) return x === -Infinity ? 1 : 1 - normalPdf(-x) * millsRatioContinuedFraction(-x);
  return 0.5 - normalPdf(x) * normalSeries(x);
}

/**
 * Inverse Mills ratio phi(x) / Q(x): the mean of a standard normal truncated to (x, inf) is
 * exactly this. Computed without underflow for large x.
 */
export function inverseMillsRatio(x: number): number {
  if (x >= NORMAL_SERIES_X_MAX) return 1 / millsRatioContinuedFraction(x);
  return normalPdf(x) / normalUpperTail(x);
}

/** expm1(y) / y, continuous at y = 0. */
export function expm1OverX(y: number): number {
  if (Math.abs(y) > 1e-8) return Math.expm1(y) / y;
  return 1 + y * 0.5 * (1 + (y / 3) * (1 + 0.25 * y));
}

/** log1p(y) / y, continuous at y = 0; y >= -1. */
export function log1pOverX(y: number): number {
  if (Math.abs(y) > 1e-8) return Math.log1p(y) / y;
  return 1 - y * (0.5 - y * (1 / 3 - 0.25 * y));
}

/** Up to this n the generalized harmonic number is summed term by term. */
const HARMONIC_DIRECT_N_MAX = 10_000;
/** Terms summed explicitly before the Euler-Maclaurin tail. */
const HARMONIC_HEAD = 1_000;
// Bernoulli numbers B2, B4, B6, B8 divided by (2j)!.
const EULER_MACLAURIN_COEFFICIENTS = [1 / 12, -1 / 720, 1 / 30240, -1 / 1209600] as const;

/**
 * Generalized harmonic number H(n, t) = sum over k = 1..n of k^-t, for any real t and integer n
 * up to 2^53, without summing n terms: the first HARMONIC_HEAD terms exactly, the rest by the
 * Euler-Maclaurin formula with four Bernoulli corrections (error far below 1e-15 relative).
 */
export function generalizedHarmonic(n: number, t: number): number {
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`generalizedHarmonic: n must be an integer >= 0, got ${n}`);
  if (n <= HARMONIC_DIRECT_N_MAX) {
    let sum = 0;
    // Smallest terms first (for t > 0) keeps the rounding error down.
    for (let k = n; k >= 1; k--) sum += Math.pow(k, -t);
    return sum;
  }
  const m = HARMONIC_HEAD;
  let head = 0;
  for (let k = m - 1; k >= 1; k--) head += Math.pow(k, -t);
  // Tail: sum over k = m..n of f(k), f(x) = x^-t.
  const logRatio = Math.log(n / m);
  const integral = Math.pow(m, 1 - t) * logRatio * expm1OverX((1 - t) * logRatio);
  let tail = integral + 0.5 * (Math.pow(m, -t) + Math.pow(n, -t));
  // f^(2j-1)(x) = -t (t+1) ... (t+2j-2) x^(-t-2j+1)
  let rising = t; // t (t+1) ... (t+2j-2) for j = 1
  for (let j = 1; j <= EULER_MACLAURIN_COEFFICIENTS.length; j++) {
    const exponent = -t - 2 * j + 1;
    const derivativeAtN = -rising * Math.pow(n, exponent);
    const derivativeAtM = -rising * Math.pow(m, exponent);
    tail += EULER_MACLAURIN_COEFFICIENTS[j - 1]! * (derivativeAtN - derivativeAtM);
    rising *= (t + 2 * j - 1) * (t + 2 * j);
  }
  return head + tail;
}
