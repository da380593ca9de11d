/**
 * The contract every distribution meets. Values are in whatever unit the caller chose (the
 * scenario layer passes nanoseconds for times, bytes for sizes); a distribution knows no units.
 */
import type { RandomStream } from '../random.js';

export interface Distribution {
  /** One draw. Allocation-free: this is on the simulator's hot path. */
  sample(rng: RandomStream): number;
  /** Exact (analytic) mean; Infinity where it does not exist. */
  readonly mean: number;
  /** Exact (analytic) variance; Infinity where it does not exist. */
  readonly variance: number;
  /** e.g. `lognormal(median=3.5e7, sigma=0.4)`. */
  describe(): string;
  /**
   * A value that a draw exceeds with probability at most p (0 < p < 1): the upper p-quantile where
   * it has a closed form, else a bound above it. How far a tail reaches, for callers that must keep
   * draws in a range (the scenario layer keeps delays within the simulated clock's).
   */
  tailBound(p: number): number;
}

/**
 * z with P(Z > z) <= p for a standard normal Z, by the Chernoff bound P(Z > z) <= exp(-z^2 / 2):
 * above the true quantile (5.9 against 6.0 at p = 1e-9), which a bound may be.
 */
export function normalTailZ(p: number): number {
  return Math.sqrt(-2 * Math.log(p));
}

/**
 * A distribution built with impossible parameters (sd < 0, min > max, ...). Code that builds
 * distributions from constants treats it as a bug; the parser turns it into a reason.
 */
export class DistributionParamError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'DistributionParamError';
  }
}

export function requireFinite(what: string, value: number): void {
  if (!Number.isFinite(value)) throw new DistributionParamError(`${what} must be a finite number, got ${value}`);
}

export function requirePositive(what: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new DistributionParamError(`${what} must be a finite number > 0, got ${value}`);
  }
}

export function requireNonNegative(what: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new DistributionParamError(`${what} must be a finite number >= 0, got ${value}`);
  }
}

/** Short, exact-enough rendering of a parameter for describe(). */
export function formatParam(value: number): string {
  return Number.isInteger(value) && Math.abs(value) < 1e15 ? String(value) : String(Number(value.toPrecision(6)));
}

/**
 * Rejection samplers stop after this many rounds. Every sampler here accepts with probability
 * well above 1/4 per round, so reaching the bound means a bug, not bad luck.
 */
export const REJECTION_ROUNDS_MAX = 1000;

export function rejectionExhausted(what: string): Error {
  return new Error(`invariant: ${what} sampler rejected ${REJECTION_ROUNDS_MAX} candidates in a row`);
}
