/**
 * One contract suite that every event list implementation must pass (the Hono habit): order by
 * (time, seq) against a sorted oracle, under bulk loads, interleaved holds, ties and wide spreads.
 */
import { describe, expect, it } from 'vitest';
import { BinaryHeapEventList } from '../../src/sim/binary-heap-event-list.js';
import { BucketEventList } from '../../src/sim/bucket-event-list.js';
import type { EventList } from '../../src/sim/event-list.js';

/** A tiny deterministic generator so this suite does not depend on the random module. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

interface Ev {
  t: number;
  seq: number;
  kind: number;
  arg: number;
}

function drain(list: EventList): Ev[] {
  const out: Ev[] = [];
  while (list.pop()) out.push({ t: list.poppedTimeNs, seq: list.poppedSeq, kind: list.poppedKind, arg: list.poppedArg });
  return out;
}

const byTimeThenSeq = (a: Ev, b: Ev) => a.t - b.t || a.seq - b.seq;

/** Pushes `ev` onto the list and onto the oracle's pending events. */
function pushBoth(list: EventList, pending: Ev[], ev: Ev): void {
  pending.push(ev);
  list.push(ev.t, ev.seq, ev.kind, ev.arg);
}

/**
 * Runs `steps` steps against a sorted oracle: at each, `next(step, now, pendingCount)` gives an
 * event to push, or null to pop (checked against the oracle's earliest); the sizes must agree.
 */
function runAgainstOracle(list: EventList, steps: number, next: (step: number, now: number, pendingCount: number) => Ev | null): void {
  const pending: Ev[] = [];
  let now = 0;
  for (let step = 0; step < steps; step++) {
    const ev = next(step, now, pending.length);
    if (ev !== null) pushBoth(list, pending, ev);
    else now = popAgainstOracle(list, pending).t;
    expect(list.size).toBe(pending.length);
  }
}

/** Pops the list and checks it against the oracle's earliest pending event, which it removes and returns. */
function popAgainstOracle(list: EventList, pending: Ev[]): Ev {
  pending.sort(byTimeThenSeq);
  const expected = pending.shift()!;
  expect(list.peekTimeNs()).toBe(expected.t);
  expect(list.pop()).toBe(true);
  expect([list.poppedTimeNs, list.poppedSeq, list.poppedKind, list.poppedArg]).toEqual([expected.t, expected.seq, expected.kind, expected.arg]);
  return expected;
}

const implementations: Array<[string, () => EventList]> = [
  ['binary heap', () => new BinaryHeapEventList(16)],
  ['bucket ladder', () => new BucketEventList()],
];

describe.each(implementations)('event list contract: %s', (_name, make) => {
  it('pops a bulk load in (time, seq) order, ties by insertion order', () => {
    const rand = lcg(1);
    const list = make();
    const events: Ev[] = [];
    for (let seq = 0; seq < 20_000; seq++) {
      // Few distinct times, so many ties.
      const ev = { t: Math.floor(rand() * 500) * 1000, seq, kind: seq % 7, arg: seq * 3 };
      events.push(ev);
      list.push(ev.t, ev.seq, ev.kind, ev.arg);
    }
    expect(list.size).toBe(20_000);
    expect(drain(list)).toEqual(events.slice().sort(byTimeThenSeq));
    expect(list.size).toBe(0);
    expect(list.pop()).toBe(false);
    expect(list.peekTimeNs()).toBe(Infinity);
  });

  it('keeps order under a hold model with mixed short and very long delays', () => {
    const rand = lcg(2);
    const list = make();
    let seq = 0;
    let now = 0;
    let lastSeq = -1;
    let outOfOrder = 0;
    for (let i = 0; i < 5_000; i++) list.push(Math.floor(rand() * 1e6), seq++, 1, i);
    for (let i = 0; i < 100_000; i++) {
      if (!list.pop()) throw new Error('list ran dry');
      const t = list.poppedTimeNs;
      // Plain counting here: an expect() per event would dominate the run time.
      if (t < now || (t === now && list.poppedSeq < lastSeq)) outOfOrder++;
      lastSeq = list.poppedSeq;
      now = t;
      const r = rand();
      // 1% of delays are a thousand times longer (timeouts), some are zero (same-time events).
      const delay = r < 0.01 ? Math.floor(rand() * 1e9) : r < 0.05 ? 0 : Math.floor(-Math.log(1 - rand()) * 1e6);
      list.push(now + delay, seq++, 2, i);
    }
    expect(outOfOrder).toBe(0);
    expect(list.size).toBe(5_000);
  });

  it('matches a sorted oracle when pushes and pops interleave at random', () => {
    const rand = lcg(3);
    let seq = 0;
    runAgainstOracle(make(), 30_000, (step, now, pendingCount) =>
      rand() < 0.55 || pendingCount === 0 ? { t: now + Math.floor(rand() * rand() * 1e7), seq: seq++, kind: 3, arg: step } : null,
    );
  });

  it("matches a sorted oracle with a handful pending (the bucket list's tiny mode), ties and earlier sequence numbers included", () => {
    // 0 to 10 events pending, so the bucket list enters and leaves its tiny mode (at most 8) again
    // and again, and 60,000 pushes walk its sorted run to the end many times (compaction). Equal
    // times and a put-back's older sequence number exercise the insertion's tie order.
    const rand = lcg(4);
    let seq = 1_000;
    runAgainstOracle(make(), 60_000, (step, now, pendingCount) => {
      const target = Math.floor(step / 3_000) % 2 === 0 ? 3 : 10;
      if (!(pendingCount < target && (rand() < 0.6 || pendingCount === 0))) return null;
      const t = rand() < 0.2 ? now : now + Math.floor(rand() * 1e6);
      // One push in twenty takes a sequence number below every one given so far, as a put-back does.
      return { t, seq: rand() < 0.05 ? -step : seq++, kind: step % 5, arg: step };
    });
  });

  it('is reusable after clear()', () => {
    const list = make();
    for (let i = 0; i < 1000; i++) list.push(1000 - i, i, 0, i);
    list.clear();
    expect(list.size).toBe(0);
    list.push(5, 0, 0, 42);
    list.push(3, 1, 0, 43);
    expect(drain(list).map((e) => e.arg)).toEqual([43, 42]);
  });
});
