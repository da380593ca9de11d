/**
 * The event list contract shared by every implementation (binary heap, bucket ladder).
 *
 * An event is four numbers: time (integer ns), sequence (tie-break, strictly increasing per insert),
 * kind (a small integer naming the handler) and arg (an integer index into the caller's pools).
 * Events are plain numbers, never closures, so the steady state allocates nothing (DESIGN.md 4b).
 * Order is (time, sequence): equal times fire in insertion order, so a run is reproducible.
 */
export interface EventList {
  /** Number of pending events. */
  readonly size: number;
  /** Inserts an event; `seq` must be unique and increasing across inserts. */
  push(timeNs: number, seq: number, kind: number, arg: number): void;
  /**
   * Removes the earliest event and returns true, leaving its fields in poppedTimeNs, poppedSeq,
   * poppedKind and poppedArg; returns false when empty.
   */
  pop(): boolean;
  /** Time of the earliest event, or Infinity when empty (may reorganise internal storage). */
  peekTimeNs(): number;
  readonly poppedTimeNs: number;
  readonly poppedSeq: number;
  readonly poppedKind: number;
  readonly poppedArg: number;
  clear(): void;
}

/** Fields per event in the flat Float64Array layouts: time, seq, kind, arg. */
export const EVENT_STRIDE = 4;
