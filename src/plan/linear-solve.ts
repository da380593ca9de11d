/**
 * Dense Gaussian elimination with partial pivoting, for the small systems src/plan meets
 * (Jackson traffic equations, least-squares normal equations): n is tens, not thousands.
 */

/**
 * Solves A x = b. Returns null when A is singular to working precision (a pivot below
 * 1e-12 times the largest entry of A). A and b are not modified.
 */
export function solveLinear(matrix: readonly (readonly number[])[], rhs: readonly number[]): number[] | null {
  const n = rhs.length;
  if (matrix.length !== n || matrix.some((row) => row.length !== n)) {
    throw new RangeError(`solveLinear needs an ${n}x${n} matrix`);
  }
  const a = matrix.map((row, i) => [...row, rhs[i] as number]);
  let scale = 0;
  for (const row of matrix) for (const value of row) scale = Math.max(scale, Math.abs(value));
  const pivotMin = scale * 1e-12;
  for (let col = 0; col < n; col += 1) {
    let pivotRow = col;
    for (let r = col + 1; r < n; r += 1) {
      if (Math.abs(a[r]![col]!) > Math.abs(a[pivotRow]![col]!)) pivotRow = r;
    }
    if (!(Math.abs(a[pivotRow]![col]!) > pivotMin)) return null;
    [a[col], a[pivotRow]] = [a[pivotRow]!, a[col]!];
    const pivot = a[col]!;
    for (let r = col + 1; r < n; r += 1) {
      const row = a[r]!;
      const factor = row[col]! / pivot[col]!;
      if (factor === 0) continue;
      for (let k = col; k <= n; k += 1) row[k]! -= factor * pivot[k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r -= 1) {
    const row = a[r]!;
    let sum = row[n]!;
    for (let k = r + 1; k < n; k += 1) sum -= row[k]! * x[k]!;
    x[r] = sum / row[r]!;
  }
  return x;
}
