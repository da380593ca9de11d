/**
 * One rounding rule for every figure a report prints or a result file holds, so JSON, CSV and the
 * terminal agree and the same inputs give the same bytes: floating-point noise such as
 * 0.6250000000000001 would otherwise differ with the order in which a sum was taken.
 *
 * - keys ending in `Ms` (milliseconds) or `Seconds`: 3 decimals (1 us, 1 ms);
 * - every other non-integer: 6 significant digits (utilisations, rates, means);
 * - integers and non-finite values are left alone (a non-finite value is the caller's bug to report).
 */
export function roundFigure(key: string, value: number): number {
  if (Number.isInteger(value) || !Number.isFinite(value)) return value === 0 ? 0 : value;
  if (key.endsWith('Ms') || key.endsWith('Seconds')) return roundDecimals(value, 3);
  return roundSignificant(value, 6);
}

export function roundDecimals(value: number, decimals: number): number {
  const rounded = Number(value.toFixed(decimals));
  return rounded === 0 ? 0 : rounded; // no -0 in output
}

export function roundSignificant(value: number, digits: number): number {
  if (value === 0) return 0;
  const rounded = Number(value.toPrecision(digits));
  return rounded === 0 ? 0 : rounded;
}
