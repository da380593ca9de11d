/** Checks shared by the permutation tests: a bijection on [0, n) whose inverse undoes it. */
import { expect } from 'vitest';

export interface Permutation {
  forward(x: number): number;
  inverse(y: number): number;
}

/** Every x in [0, n) maps to a distinct integer in [0, n), and inverse(forward(x)) is x. */
export function expectBijection(perm: Permutation, n: number): void {
  const seen = new Uint8Array(n);
  let wrong = 0;
  for (let x = 0; x < n; x++) {
    const y = perm.forward(x);
    if (!(y >= 0 && y < n && Number.isInteger(y)) || perm.inverse(y) !== x) wrong++;
    else seen[y]!++;
  }
  expect(wrong).toBe(0);
  expect(seen.every((count) => count === 1)).toBe(true);
}
