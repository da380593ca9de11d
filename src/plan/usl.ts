/**
 * Universal Scalability Law (Gunther, "Guerrilla Capacity Planning", 2007, eq. 4.31; Schwartz,
 * "Practical Scalability Analysis with the Universal Scalability Law", 2015, eq. 3):
 *   X(N) = lambda N / (1 + sigma (N - 1) + kappa N (N - 1))
 * lambda: throughput of one unit of concurrency without contention (per second); sigma: contention
 * (serial fraction); kappa: coherency (crosstalk). Throughput peaks at
 *   Nmax = sqrt((1 - sigma) / kappa)            (Gunther eq. 4.33)
 *
 * Fitting. N / X(N) = [(1 - sigma) + (sigma - kappa) N + kappa N^2] / lambda is a quadratic
 * a + b N + c N^2 in N, so an ordinary least-squares quadratic on (N, N/X) gives a starting point
 * in closed form: lambda = 1 / (a + b + c), kappa = c lambda, sigma = (b + c) lambda; exact for
 * noise-free data. Its residuals are in N/X, not in X, so the fit is then refined by
 * Levenberg-Marquardt on sum (X_i - X(N_i))^2, which is the least-squares fit the R `usl` package
 * and the Rust `usl` crate report. R^2 is computed on X with simple-statistics.
 */
import { rSquared } from 'simple-statistics';
import { solveLinear } from './linear-solve.js';

export interface UslPoint {
  /** N: concurrency (users, threads, nodes). */
  readonly concurrency: number;
  /** X(N): measured throughput, per second. */
  readonly throughputPerSecond: number;
}

export interface UslParameters {
  readonly lambdaPerSecond: number;
  readonly sigma: number;
  readonly kappa: number;
}

export interface UslFit extends UslParameters {
  readonly ok: true;
  /** Coefficient of determination of the fitted curve on the measured throughputs. */
  readonly rSquared: number;
  /** Nmax = sqrt((1 - sigma) / kappa), not rounded; null when throughput never peaks (kappa <= 0 or sigma >= 1). */
  readonly concurrencyPeak: number | null;
  /** X(Nmax); null when there is no peak. */
  readonly throughputPerSecondPeak: number | null;
  /** Levenberg-Marquardt iterations spent refining (0 when not refined). */
  readonly iterations: number;
}

export interface UslFitFailure {
  readonly ok: false;
  readonly reason: string;
}

export interface UslFitOptions {
  /** Refine the linearised fit by nonlinear least squares on X (default true). */
  readonly refine?: boolean;
  /** Keep sigma >= 0 and kappa >= 0, as the physical model requires (default true). */
  readonly nonNegative?: boolean;
}

/** X(N) = lambda N / (1 + sigma (N - 1) + kappa N (N - 1)). */
export function uslThroughputPerSecond(parameters: UslParameters, concurrency: number): number {
  const { lambdaPerSecond, sigma, kappa } = parameters;
  const n = concurrency;
  return (lambdaPerSecond * n) / (1 + sigma * (n - 1) + kappa * n * (n - 1));
}

/** Nmax = sqrt((1 - sigma) / kappa), or null when kappa <= 0 or sigma >= 1 (no peak). */
export function uslConcurrencyPeak(parameters: UslParameters): number | null {
  const { sigma, kappa } = parameters;
  if (!(kappa > 0) || !(sigma < 1)) return null;
  return Math.sqrt((1 - sigma) / kappa);
}

/** Most refinement steps; each is a 3x3 solve over the points, so this bounds the work. */
const ITERATIONS_MAX = 500;

function sumSquaredError(points: readonly UslPoint[], parameters: UslParameters): number {
  let sse = 0;
  for (const point of points) {
    const residual = point.throughputPerSecond - uslThroughputPerSecond(parameters, point.concurrency);
    sse += residual * residual;
  }
  return sse;
}

/** Closed-form start: least-squares quadratic a + b N + c N^2 through (N, N / X). */
function linearisedFit(points: readonly UslPoint[]): UslParameters | null {
  // Scale N to [0, 1] so the normal equations stay well conditioned for N in the thousands.
  const concurrencyScale = Math.max(...points.map((p) => p.concurrency));
  const normal = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  const rhs = [0, 0, 0];
  for (const point of points) {
    const u = point.concurrency / concurrencyScale;
    const basis = [1, u, u * u];
    const y = point.concurrency / point.throughputPerSecond;
    for (let i = 0; i < 3; i += 1) {
      rhs[i]! += basis[i]! * y;
      for (let j = 0; j < 3; j += 1) normal[i]![j]! += basis[i]! * basis[j]!;
    }
  }
  const solution = solveLinear(normal, rhs);
  if (solution === null) return null;
  const a = solution[0]!;
  const b = solution[1]! / concurrencyScale;
  const c = solution[2]! / (concurrencyScale * concurrencyScale);
  const lambdaPerSecond = 1 / (a + b + c);
  if (!(lambdaPerSecond > 0) || !Number.isFinite(lambdaPerSecond)) return null;
  return { lambdaPerSecond, sigma: (b + c) * lambdaPerSecond, kappa: c * lambdaPerSecond };
}

function project(parameters: UslParameters, nonNegative: boolean): UslParameters {
  if (!nonNegative) return parameters;
  return {
    lambdaPerSecond: parameters.lambdaPerSecond,
    sigma: Math.max(0, parameters.sigma),
    kappa: Math.max(0, parameters.kappa),
  };
}

/**
 * Levenberg-Marquardt on r_i = X_i - X(N_i) with columns of the Jacobian scaled to unit norm
 * (lambda is in the thousands while kappa is ~1e-4, so unscaled normal equations would be
 * hopeless). Bounds are kept by projecting each trial step.
 */
function refine(
  points: readonly UslPoint[],
  start: UslParameters,
  nonNegative: boolean,
): { parameters: UslParameters; iterations: number } {
  let parameters = start;
  let sse = sumSquaredError(points, parameters);
  let damping = 1e-3;
  let iterations = 0;
  for (; iterations < ITERATIONS_MAX; iterations += 1) {
    const { lambdaPerSecond, sigma, kappa } = parameters;
    const jtj = [
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ];
    const jtr = [0, 0, 0];
    for (const point of points) {
      const n = point.concurrency;
      const denominator = 1 + sigma * (n - 1) + kappa * n * (n - 1);
      const model = (lambdaPerSecond * n) / denominator;
      const residual = point.throughputPerSecond - model;
      const gradient = [n / denominator, -(model * (n - 1)) / denominator, -(model * n * (n - 1)) / denominator];
      for (let i = 0; i < 3; i += 1) {
        jtr[i]! += gradient[i]! * residual;
        for (let j = 0; j < 3; j += 1) jtj[i]![j]! += gradient[i]! * gradient[j]!;
      }
    }
    const scale = jtj.map((row, i) => Math.sqrt(row[i]!) || 1);
    let improved = false;
    // Raise the damping until a step lowers the error; give up (converged) when none does.
    for (let attempt = 0; attempt < 30 && !improved; attempt += 1) {
      const system = jtj.map((row, i) => row.map((value, j) => value / (scale[i]! * scale[j]!) + (i === j ? damping : 0)));
      const step = solveLinear(
        system,
        jtr.map((value, i) => value / scale[i]!),
      );
      if (step === null) {
        damping *= 10;
        continue;
      }
      const trial = project(
        {
          lambdaPerSecond: lambdaPerSecond + step[0]! / scale[0]!,
          sigma: sigma + step[1]! / scale[1]!,
          kappa: kappa + step[2]! / scale[2]!,
        },
        nonNegative,
      );
      const trialSse = sumSquaredError(points, trial);
      if (trial.lambdaPerSecond > 0 && trialSse < sse) {
        const relativeGain = (sse - trialSse) / sse;
        parameters = trial;
        sse = trialSse;
        damping = Math.max(damping / 10, 1e-12);
        improved = true;
        if (relativeGain < 1e-14) return { parameters, iterations: iterations + 1 };
      } else {
        damping *= 10;
      }
    }
    if (!improved) break;
  }
  return { parameters, iterations };
}

/**
 * Rounding leaves coefficients like kappa = 1e-18 on perfectly linear data, which would report a
 * throughput peak at N = 1e9. A term that moves X by less than 1e-12 (relative) anywhere in the
 * measured range is indistinguishable from 0, so it is reported as 0.
 */
function snapNegligible(parameters: UslParameters, concurrencyMax: number): UslParameters {
  const reach = Math.max(concurrencyMax - 1, 1);
  const negligible = (term: number): boolean => Math.abs(term) < 1e-12;
  return {
    lambdaPerSecond: parameters.lambdaPerSecond,
    sigma: negligible(parameters.sigma * reach) ? 0 : parameters.sigma,
    kappa: negligible(parameters.kappa * concurrencyMax * reach) ? 0 : parameters.kappa,
  };
}

/**
 * Fits lambda, sigma and kappa to measured (N, X) points. Needs at least three distinct positive
 * concurrencies and positive throughputs; otherwise returns { ok: false, reason }.
 */
export function uslFit(points: readonly UslPoint[], options: UslFitOptions = {}): UslFit | UslFitFailure {
  const nonNegative = options.nonNegative ?? true;
  for (const [i, point] of points.entries()) {
    if (!(point.concurrency > 0) || !Number.isFinite(point.concurrency)) {
      return { ok: false, reason: `point ${i}: concurrency must be a finite number > 0, got ${point.concurrency}` };
    }
    if (!(point.throughputPerSecond > 0) || !Number.isFinite(point.throughputPerSecond)) {
      return { ok: false, reason: `point ${i}: throughput must be a finite number > 0, got ${point.throughputPerSecond}` };
    }
  }
  const distinct = new Set(points.map((p) => p.concurrency)).size;
  if (distinct < 3) return { ok: false, reason: `need at least 3 distinct concurrency levels to fit 3 parameters, got ${distinct}` };
  const linear = linearisedFit(points);
  if (linear === null) return { ok: false, reason: 'the points do not determine a USL curve (singular fit)' };
  const start = project(linear, nonNegative);
  const refined = options.refine === false ? { parameters: start, iterations: 0 } : refine(points, start, nonNegative);
  const parameters = snapNegligible(refined.parameters, Math.max(...points.map((p) => p.concurrency)));
  const concurrencyPeak = uslConcurrencyPeak(parameters);
  return {
    ok: true,
    ...parameters,
    rSquared: rSquared(
      points.map((p) => [p.concurrency, p.throughputPerSecond]),
      (n) => uslThroughputPerSecond(parameters, n),
    ),
    concurrencyPeak,
    throughputPerSecondPeak: concurrencyPeak === null ? null : uslThroughputPerSecond(parameters, concurrencyPeak),
    iterations: refined.iterations,
  };
}
