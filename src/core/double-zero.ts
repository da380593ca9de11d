/**
 * Zero as a double, for number fields that will hold doubles (keys, sequence numbers, times): V8
 * takes a field's representation from its first value, and a field that starts as a small integer
 * and later holds a double changes its class's hidden class, which throws optimised code away.
 * src/sim/stable-shapes.ts says more and gives the figures; the core imports nothing from the rest
 * of src/, so it has its own. `DOUBLE_ZERO + value` for another starting value.
 */
export const DOUBLE_ZERO: number = Number.MIN_VALUE * 0;
