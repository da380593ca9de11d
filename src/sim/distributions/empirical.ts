import type { RandomStream } from '../random.js';
import { type Distribution, DistributionParamError, formatParam } from './distribution.js';

/** A point of a piecewise-linear curve. */
export interface CurvePoint {
  x: number;
  y: number;
}

/** Segments are found by binary search, so a curve may be large; this bounds the input. */
export const EMPIRICAL_POINTS_MAX = 1_000_000;

function checkPoints(what: string, points: readonly CurvePoint[]): void {
  if (points.length < 2) throw new DistributionParamError(`${what}: needs at least 2 points, got ${points.length}`);
  if (points.length > EMPIRICAL_POINTS_MAX) {
    throw new DistributionParamError(`${what}: at most ${EMPIRICAL_POINTS_MAX} points, got ${points.length}`);
  }
  for (let i = 0; i < points.length; i++) {
    const { x, y } = points[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      throw new DistributionParamError(`${what}: point ${i} must have finite x and y, got (${x}, ${y})`);
    }
    if (y < 0) throw new DistributionParamError(`${what}: point ${i} has y = ${y} < 0`);
    if (i > 0 && !(x > points[i - 1]!.x)) {
      throw new DistributionParamError(`${what}: x must increase strictly, but point ${i} has x = ${x} after ${points[i - 1]!.x}`);
    }
  }
}

/**
 * A distribution given by a piecewise-linear curve over [x0, xLast]: either a density (y is
 * proportional to the density, linear between points; a diurnal activity curve) or a CDF (y is
 * P(X <= x), from 0 to 1; a measured latency or size distribution, histogram-like). Besides
 * sampling, it evaluates the curve, its CDF and quantiles, so a diurnal curve can also drive a
 * Poisson process's rate.
 */
export class EmpiricalDistribution implements Distribution {
  readonly kind: 'density' | 'cdf';
  readonly mean: number;
  readonly variance: number;
  readonly xMin: number;
  readonly xMax: number;
  /** Area under the curve as given (density kind), before normalising; 1 for a CDF. */
  readonly totalArea: number;
  private readonly xs: Float64Array;
  /** Density kind: the y values as given. CDF kind: the density of each segment, per point. */
  private readonly ys: Float64Array;
  /** Cumulative probability at each point, from 0 to 1. */
  private readonly cdfs: Float64Array;
  /** Slope of the normalised density on each segment (0 for a CDF). */
  private readonly slopes: Float64Array;
  /** Normalised density at the left end of each segment. */
  private readonly leftDensities: Float64Array;

  constructor(kind: 'density' | 'cdf', points: readonly CurvePoint[]) {
    const what = kind === 'density' ? 'empirical density' : 'empirical cdf';
    checkPoints(what, points);
    const count = points.length;
    this.kind = kind;
    this.xs = Float64Array.from(points, (p) => p.x);
    this.ys = Float64Array.from(points, (p) => p.y);
    this.xMin = this.xs[0]!;
    this.xMax = this.xs[count - 1]!;
    this.cdfs = new Float64Array(count);
    this.slopes = new Float64Array(count - 1);
    this.leftDensities = new Float64Array(count - 1);

    let m1 = 0;
    let m2 = 0;
    if (kind === 'density') {
      let area = 0;
      for (let i = 1; i < count; i++) {
        area += ((this.ys[i - 1]! + this.ys[i]!) / 2) * (this.xs[i]! - this.xs[i - 1]!);
        this.cdfs[i] = area;
      }
      if (!(area > 0)) throw new DistributionParamError(`${what}: the area under the curve must be > 0`);
      this.totalArea = area;
      for (let i = 0; i < count; i++) this.cdfs[i] = this.cdfs[i]! / area;
      this.cdfs[count - 1] = 1;
      for (let i = 0; i < count - 1; i++) {
        const x0 = this.xs[i]!;
        const x1 = this.xs[i + 1]!;
        const f0 = this.ys[i]! / area;
        const f1 = this.ys[i + 1]! / area;
        this.leftDensities[i] = f0;
        this.slopes[i] = (f1 - f0) / (x1 - x0);
        // Exact moments of a linear density on [x0, x1]: integrate x f and x^2 f with Simpson's
        // rule, which is exact for polynomials up to degree 3.
        const xm = (x0 + x1) / 2;
        const fm = (f0 + f1) / 2;
        const w = (x1 - x0) / 6;
        m1 += w * (x0 * f0 + 4 * xm * fm + x1 * f1);
        m2 += w * (x0 * x0 * f0 + 4 * xm * xm * fm + x1 * x1 * f1);
      }
    } else {
      if (this.ys[0] !== 0) throw new DistributionParamError(`${what}: the first point must have y = 0, got ${this.ys[0]}`);
      if (this.ys[count - 1] !== 1) {
        throw new DistributionParamError(`${what}: the last point must have y = 1, got ${this.ys[count - 1]}`);
      }
      for (let i = 0; i < count; i++) {
        if (i > 0 && this.ys[i]! < this.ys[i - 1]!) {
          throw new DistributionParamError(`${what}: y must not decrease, but point ${i} has y = ${this.ys[i]} after ${this.ys[i - 1]}`);
        }
        this.cdfs[i] = this.ys[i]!;
      }
      this.totalArea = 1;
      for (let i = 0; i < count - 1; i++) {
        const x0 = this.xs[i]!;
        const x1 = this.xs[i + 1]!;
        const p = this.cdfs[i + 1]! - this.cdfs[i]!;
        this.leftDensities[i] = p / (x1 - x0);
        this.slopes[i] = 0;
        // Uniform on [x0, x1] with mass p.
        m1 += (p * (x0 + x1)) / 2;
        m2 += (p * (x0 * x0 + x0 * x1 + x1 * x1)) / 3;
      }
    }
    this.mean = m1;
    this.variance = Math.max(0, m2 - m1 * m1);
  }

  /** Index i of the segment [x_i, x_(i+1)] holding x (clamped to the ends). */
  private segmentOf(x: number): number {
    const xs = this.xs;
    let lo = 0;
    let hi = xs.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (xs[mid]! <= x) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Index i of the segment whose cumulative probability range [cdf_i, cdf_(i+1)] holds p. */
  private segmentOfProbability(p: number): number {
    const cdfs = this.cdfs;
    let lo = 0;
    let hi = cdfs.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (cdfs[mid]! <= p) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * The curve as given, linearly interpolated, at x: for a density kind the y values in their own
   * unit (a diurnal curve's relative activity), for a CDF kind P(X <= x). 0 / 1 outside.
   */
  valueAt(x: number): number {
    if (this.kind === 'cdf') return this.cdfAt(x);
    if (x < this.xMin || x > this.xMax) return 0;
    const i = this.segmentOf(x);
    const x0 = this.xs[i]!;
    const t = (x - x0) / (this.xs[i + 1]! - x0);
    return this.ys[i]! + t * (this.ys[i + 1]! - this.ys[i]!);
  }

  /** The normalised probability density at x. */
  densityAt(x: number): number {
    if (x < this.xMin || x > this.xMax) return 0;
    const i = this.segmentOf(x);
    return this.leftDensities[i]! + this.slopes[i]! * (x - this.xs[i]!);
  }

  /** P(X <= x). */
  cdfAt(x: number): number {
    if (x <= this.xMin) return 0;
    if (x >= this.xMax) return 1;
    const i = this.segmentOf(x);
    const dx = x - this.xs[i]!;
    return Math.min(1, this.cdfs[i]! + dx * (this.leftDensities[i]! + 0.5 * this.slopes[i]! * dx));
  }

  /** The x with P(X <= x) = p, for p in [0, 1]. */
  quantile(p: number): number {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile: p must be in [0, 1], got ${p}`);
    const i = this.segmentOfProbability(p);
    return this.invertInSegment(i, p - this.cdfs[i]!);
  }

  /** x in segment i at which the probability accumulated from x_i reaches mass. */
  private invertInSegment(i: number, mass: number): number {
    const x0 = this.xs[i]!;
    const width = this.xs[i + 1]! - x0;
    if (mass <= 0) return x0;
    const f0 = this.leftDensities[i]!;
    const slope = this.slopes[i]!;
    // Solve f0 t + slope t^2 / 2 = mass for t in [0, width], in the form without cancellation.
    const t = (2 * mass) / (f0 + Math.sqrt(Math.max(0, f0 * f0 + 2 * slope * mass)));
    return t >= width || !(t === t) ? this.xs[i + 1]! : x0 + t;
  }

  sample(rng: RandomStream): number {
    const p = rng.nextFloat();
    const i = this.segmentOfProbability(p);
    return this.invertInSegment(i, p - this.cdfs[i]!);
  }

  tailBound(_p: number): number {
    return this.xMax;
  }

  describe(): string {
    return `empirical ${this.kind}(${this.xs.length} points on [${formatParam(this.xMin)}, ${formatParam(this.xMax)}])`;
  }
}

/** A distribution whose density is proportional to the piecewise-linear curve through points. */
export function empiricalDensity(points: readonly CurvePoint[]): EmpiricalDistribution {
  return new EmpiricalDistribution('density', points);
}

/** A distribution whose CDF is the piecewise-linear curve through points (y from 0 to 1). */
export function empiricalCdf(points: readonly CurvePoint[]): EmpiricalDistribution {
  return new EmpiricalDistribution('cdf', points);
}
