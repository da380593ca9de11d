/**
 * Property tests of every event list against a sorted-array reference: random programs of pushes,
 * bursts, pops, peeks and clears, with the sequence numbers the kernel really uses (increasing ones
 * from scheduleAt, older ones taken early by the timer wheel and put back by run(untilNs), negative
 * ones for the wheel's wake-ups). Bursts push the ladder out of small mode and into its buckets, and
 * scrambled bursts at one instant make its bucket sort fall back to a heap.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinaryHeapEventList } from '../../src/sim/binary-heap-event-list.js';
import { BucketEventList } from '../../src/sim/bucket-event-list.js';
import type { EventList } from '../../src/sim/event-list.js';

interface Ev {
  t: number;
  seq: number;
  kind: number;
  arg: number;
}

/** The reference: events kept sorted by (time, seq), by binary-search insertion. */
class SortedReference {
  readonly events: Ev[] = [];
  push(ev: Ev): void {
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = this.events[mid]!;
      if (m.t < ev.t || (m.t === ev.t && m.seq < ev.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.events.splice(lo, 0, ev);
  }
  pop(): Ev | undefined {
    return this.events.shift();
  }
}

/** Delays in ns: zero (same-instant events), short, about the population's spacing, and timeouts. */
const delayArb = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 0, max: 1_000 }),
  fc.integer({ min: 0, max: 10_000_000 }),
  fc.integer({ min: 0, max: 1e12 }),
);
/** next: scheduleAt's increasing seq; reserved: one taken earlier (timer wheel, run's put-back); wake: negative. */
const seqModeArb = fc.constantFrom('next', 'next', 'next', 'reserved', 'wake', 'reserve');

const opArb = fc.oneof(
  { weight: 30, arbitrary: fc.record({ op: fc.constant('push' as const), delay: delayArb, seqMode: seqModeArb }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('burst' as const),
      count: fc.integer({ min: 1, max: 700 }),
      delay: delayArb,
      spreadNs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1e9 })),
      scrambled: fc.boolean(),
    }),
  },
  { weight: 30, arbitrary: fc.record({ op: fc.constant('pop' as const), count: fc.integer({ min: 1, max: 400 }) }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('peek' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('clear' as const) }) },
);

type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;

function check(make: () => EventList, ops: Op[], randomSeed: number): void {
  const list = make();
  let reference = new SortedReference();
  let nextSeq = 0;
  let wakeSeq = -1;
  const reserved: number[] = [];
  let now = 0;
  let rand = randomSeed >>> 0;
  const random = () => {
    rand = (Math.imul(rand, 1664525) + 1013904223) >>> 0;
    return rand / 4294967296;
  };
  const push = (t: number, seq: number) => {
    const ev = { t, seq, kind: (seq & 7) + 1, arg: nextSeq * 3 + 1 };
    reference.push(ev);
    list.push(ev.t, ev.seq, ev.kind, ev.arg);
  };
  for (const step of ops) {
    switch (step.op) {
      case 'push': {
        if (step.seqMode === 'reserve') {
          reserved.push(nextSeq++);
          break;
        }
        const seq = step.seqMode === 'wake' ? wakeSeq-- : step.seqMode === 'reserved' && reserved.length > 0 ? reserved.shift()! : nextSeq++;
        push(now + step.delay, seq);
        break;
      }
      case 'burst': {
        const seqs: number[] = [];
        for (let i = 0; i < step.count; i++) seqs.push(nextSeq++);
        if (step.scrambled) seqs.sort(() => random() - 0.5);
        for (const seq of seqs) push(now + step.delay + Math.floor(random() * step.spreadNs), seq);
        break;
      }
      case 'pop':
        for (let i = 0; i < step.count; i++) {
          const expected = reference.pop();
          if (expected === undefined) {
            expect(list.pop()).toBe(false);
            break;
          }
          expect(list.pop()).toBe(true);
          expect([list.poppedTimeNs, list.poppedSeq, list.poppedKind, list.poppedArg]).toEqual([expected.t, expected.seq, expected.kind, expected.arg]);
          now = expected.t;
        }
        break;
      case 'peek':
        expect(list.peekTimeNs()).toBe(reference.events.length === 0 ? Infinity : reference.events[0]!.t);
        break;
      case 'clear':
        list.clear();
        reference = new SortedReference();
        break;
    }
    expect(list.size).toBe(reference.events.length);
  }
  // Drain: everything left comes out in order.
  for (let expected = reference.pop(); expected !== undefined; expected = reference.pop()) {
    expect(list.pop()).toBe(true);
    expect([list.poppedTimeNs, list.poppedSeq]).toEqual([expected.t, expected.seq]);
  }
  expect(list.pop()).toBe(false);
}

const implementations: Array<[string, () => EventList]> = [
  ['binary heap', () => new BinaryHeapEventList(16)],
  ['bucket ladder', () => new BucketEventList()],
];

describe.each(implementations)('event list properties: %s', (_name, make) => {
  it('pops exactly what a sorted reference pops, under random programs', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 300 }), fc.integer(), (ops, seed) => check(make, ops, seed)),
      { numRuns: 150 },
    );
  });

  it('orders a burst at one instant whose seqs are out of order, among many pending events', () => {
    const ops: Op[] = [
      { op: 'burst', count: 700, delay: 0, spreadNs: 1e9, scrambled: false },
      { op: 'burst', count: 600, delay: 5e8, spreadNs: 0, scrambled: true },
      { op: 'pop', count: 200 },
      { op: 'burst', count: 300, delay: 1e8, spreadNs: 0, scrambled: true },
      { op: 'pop', count: 2000 },
    ];
    check(make, ops, 7);
  });
});
