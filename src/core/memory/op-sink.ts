/** Op sinks: one that counts operations and bytes per kind, one that discards them. */
import { OP_COUNT, OP_NAMES, type OpKind } from '../ops.js';
import type { OpSink } from '../ports.js';

export class CountingSink implements OpSink {
  readonly counts = new Float64Array(OP_COUNT);
  readonly bytes = new Float64Array(OP_COUNT);

  charge(op: OpKind, bytes: number): void {
    this.counts[op]!++;
    this.bytes[op]! += bytes;
  }

  count(op: OpKind): number {
    return this.counts[op]!;
  }

  reset(): void {
    this.counts.fill(0);
    this.bytes.fill(0);
  }

  /** Counts by operation name, omitting kinds never charged. */
  toRecord(): Record<string, { count: number; bytes: number }> {
    const out: Record<string, { count: number; bytes: number }> = {};
    for (let op = 0; op < OP_COUNT; op++) {
      if (this.counts[op] !== 0) out[OP_NAMES[op]!] = { count: this.counts[op]!, bytes: this.bytes[op]! };
    }
    return out;
  }
}

export class NullSink implements OpSink {
  charge(_op: OpKind, _bytes: number): void {}
}
