/**
 * Two-sided 99% quantiles of Student's t (t at 0.995) by degrees of freedom, from standard tables;
 * simple-statistics has no t quantile. Beyond 30 degrees of freedom the normal's 2.576 is within 2%.
 */
const T_0995: readonly number[] = [
  NaN, 63.657, 9.925, 5.841, 4.604, 4.032, 3.707, 3.499, 3.355, 3.25, 3.169, 3.106, 3.055, 3.012, 2.977, 2.947, 2.921, 2.898, 2.878,
  2.861, 2.845, 2.831, 2.819, 2.807, 2.797, 2.787, 2.779, 2.771, 2.763, 2.756, 2.75,
];

/** t(0.995, df): the half-width factor of a two-sided 99% interval. */
export function tQuantile995(degreesOfFreedom: number): number {
  if (!(degreesOfFreedom >= 1)) return Infinity;
  if (degreesOfFreedom < T_0995.length) return T_0995[Math.floor(degreesOfFreedom)]!;
  return 2.576;
}
