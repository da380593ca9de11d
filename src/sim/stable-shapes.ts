/**
 * Starting values that give an object or an array its final hidden class from the first one on.
 *
 * Why: V8 picks a field's representation from the first value stored in it (a small integer for `0`
 * or `-1`), and an array's elements kind from its first elements (small integers for `[]`). When a
 * double arrives later (a time past 2^31 ns, a key read from a Float64Array), or an object in an
 * array made empty, the field or the array changes its hidden class, and the old one is deprecated.
 * Optimised code that depended on the old one is thrown away, and so is code that depended on the
 * type of a field holding such an object (Simulator.events, Deployment.sim, ...).
 *
 * In a slice run, whose parts run one after another on a worker thread, this cost twice. The first
 * part met some fifty such changes, each throwing code away mid-run. And the second part's objects,
 * made with the new hidden classes, threw away much of the optimised code at its start: in
 * global-2025 (session 19) 103 functions were marked for deoptimisation at once there, and the
 * second part compiled 168 functions again (75 with these starting values), the first 461 in all.
 *
 * The values are plain: only the speed depends on what the engine makes of them.
 */

/**
 * Zero as a double, for a number field that will hold doubles. `Number.MIN_VALUE * 0` is +0,
 * computed rather than written, so V8 holds it as a heap number, and a field that starts from it is
 * a double from the first object on. For another starting value write `DOUBLE_ZERO + value`
 * (computed in the constructor, so a heap number too).
 */
export const DOUBLE_ZERO: number = Number.MIN_VALUE * 0;

/** An empty array whose elements are doubles from the start (a scratch list of keys, a free list of slots). */
export function emptyDoubleArray(): number[] {
  const array = [DOUBLE_ZERO];
  array.pop();
  return array;
}

/** An empty array of objects (or undefined) from the start, rather than of small integers. */
export function emptyObjectArray<T>(): T[] {
  const array: Array<T | undefined> = [undefined];
  array.pop();
  return array as T[];
}
