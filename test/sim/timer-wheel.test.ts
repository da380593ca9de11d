/**
 * The timer wheel: exact firing times from nanoseconds to 30 days, O(1) cancel, stale handles,
 * bounded memory under millions of start+cancel, and the tie order with ordinary events.
 */
import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/sim/simulator.js';
import { ClockRangeError, NS_PER_DAY, NS_PER_MIN, NS_PER_MS, NS_PER_S, NS_PER_US } from '../../src/sim/time.js';
import type { TimerWheel } from '../../src/sim/timer-wheel.js';

/** A tiny deterministic generator so the oracle tests do not depend on the random module. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** Live timer slots the wheel has allocated (private; read to show that memory stays bounded). */
function capacityOf(wheel: TimerWheel): number {
  return (wheel as unknown as { capacity: number }).capacity;
}

interface Fired {
  timeNs: number;
  arg: number;
}

function recordingWheel(options: { timerTickNs?: number } = {}) {
  const sim = new Simulator(options);
  const fired: Fired[] = [];
  const kind = sim.timers.register((arg) => fired.push({ timeNs: sim.nowNs, arg }));
  return { sim, wheel: sim.timers, kind, fired };
}

describe('timer wheel: firing times', () => {
  it('fires each timer at exactly now + delay, from 0 ns to 30 days', () => {
    const { sim, wheel, kind, fired } = recordingWheel();
    const delays = [0, 1, 999_999, NS_PER_MS, 1.5 * NS_PER_MS + 7, 3 * NS_PER_MIN, 3 * NS_PER_MIN + 1, 30 * NS_PER_DAY, 30 * NS_PER_DAY + 13];
    // Start them from a clock that is not on a tick boundary.
    const startNs = 123_456_789;
    const go = sim.register('go', () => delays.forEach((d, i) => wheel.start(d, kind, i)));
    sim.scheduleAt(startNs, go, 0);
    sim.run();
    expect(fired).toEqual(delays.map((d, i) => ({ timeNs: startNs + d, arg: i })));
    expect(sim.nowNs).toBe(startNs + 30 * NS_PER_DAY + 13);
    expect([wheel.started, wheel.fired, wheel.cancelled, wheel.pending]).toEqual([9, 9, 0, 0]);
  });

  it('rounds a fractional delay to the nearest nanosecond, as scheduleIn does', () => {
    const { sim, wheel, kind, fired } = recordingWheel();
    wheel.start(2.4, kind, 1);
    wheel.start(2.6, kind, 2);
    sim.run();
    expect(fired).toEqual([
      { timeNs: 2, arg: 1 },
      { timeNs: 3, arg: 2 },
    ]);
  });

  it('keeps the arg exactly, including large integers', () => {
    const { sim, wheel, kind, fired } = recordingWheel();
    wheel.start(5, kind, 2 ** 40 + 3);
    sim.run();
    expect(fired[0]!.arg).toBe(2 ** 40 + 3);
  });

  it.each([
    [1, 'ns'],
    [NS_PER_US, 'us'],
    [8191, 'ns'],
    [NS_PER_S, 's'],
  ])('fires a 30-day timer exactly with a tick of %d (unit %s) (was: broken invariant for ticks < 8192 ns)', (tickNs) => {
    const { sim, wheel, kind, fired } = recordingWheel({ timerTickNs: tickNs });
    wheel.start(30 * NS_PER_DAY + 17, kind, 1);
    wheel.start(90 * NS_PER_DAY, kind, 2);
    wheel.start(5 * NS_PER_MS + 3, kind, 3);
    sim.run();
    expect(fired).toEqual([
      { timeNs: 5 * NS_PER_MS + 3, arg: 3 },
      { timeNs: 30 * NS_PER_DAY + 17, arg: 1 },
      { timeNs: 90 * NS_PER_DAY, arg: 2 },
    ]);
  });

  it('matches a sorted oracle over random delays from 1 ns to 40 days, with cancels now and later', () => {
    for (const seed of [1, 2, 3, 4]) {
      const rand = lcg(seed);
      const { sim, wheel, kind, fired } = recordingWheel();
      // Everything ever started, by id: due time, handle, and whether it was cancelled.
      const dueNs: number[] = [];
      const handles: number[] = [];
      const cancelled: boolean[] = [];
      const firedIds = new Set<number>();
      const fire = sim.timers.register((id) => {
        firedIds.add(id);
        fired.push({ timeNs: sim.nowNs, arg: id });
      });
      expect(fire).not.toBe(kind);
      // Starts and cancels happen inside events at scattered times, so the wheel's tick is often
      // stale and cancels often empty the slot the next wake-up was armed for.
      const starter = sim.register('starter', () => {
        for (let i = 0; i < 50; i++) {
          const scale = [1, NS_PER_US, NS_PER_MS, NS_PER_S, NS_PER_MIN, NS_PER_DAY][Math.floor(rand() * 6)]!;
          const delayNs = Math.floor(rand() * 40 * scale);
          const id = dueNs.length;
          dueNs.push(sim.nowNs + delayNs);
          handles.push(wheel.start(delayNs, fire, id));
          cancelled.push(false);
        }
        for (let i = 0; i < 25; i++) {
          const id = Math.floor(rand() * dueNs.length);
          const live = !cancelled[id] && !firedIds.has(id);
          expect(wheel.cancel(handles[id]!)).toBe(live);
          cancelled[id] = true;
        }
      });
      for (let i = 0; i < 60; i++) sim.scheduleAt(Math.floor(rand() * 2 * NS_PER_DAY), starter, 0);
      sim.run();
      const expected = dueNs
        .map((timeNs, id) => ({ timeNs, arg: id }))
        .filter(({ arg }) => !cancelled[arg] || firedIds.has(arg))
        .sort((a, b) => a.timeNs - b.timeNs || a.arg - b.arg);
      expect(fired).toEqual(expected);
      expect(wheel.pending).toBe(0);
      expect(wheel.fired + wheel.cancelled).toBe(wheel.started);
      expect(wheel.cancelled).toBeGreaterThan(200);
    }
  });

  it('refuses a negative or non-numeric delay when the timer starts, not later in a wake-up', () => {
    const { sim, wheel, kind } = recordingWheel();
    sim.scheduleAt(10 * NS_PER_MS, sim.register('noop', () => undefined), 0);
    sim.run();
    expect(() => wheel.start(-1, kind, 0)).toThrow(/delay must be a number >= 0/);
    expect(() => wheel.start(Number.NaN, kind, 0)).toThrow(/delay must be a number >= 0/);
    expect(() => wheel.start(Number.MAX_SAFE_INTEGER, kind, 0)).toThrow(ClockRangeError);
    expect(() => wheel.start(1, kind + 1, 0)).toThrow(/unknown timer kind/);
    expect(wheel.pending).toBe(0);
    expect(sim.pendingEvents).toBe(0);
  });

  it('refuses a tick that is not a positive integer', () => {
    expect(() => new Simulator({ timerTickNs: 0 })).toThrow(/tick must be a positive integer/);
    expect(() => new Simulator({ timerTickNs: 1.5 })).toThrow(/tick must be a positive integer/);
  });
});

describe('timer wheel: cancel and handles', () => {
  it('cancels a long timer in the wheel and a short one already in the event list', () => {
    const { sim, wheel, kind, fired } = recordingWheel();
    const long = wheel.start(30 * NS_PER_DAY, kind, 1);
    // Due within the current tick: it goes straight to the event list, and is skipped when it pops.
    const short = wheel.start(100, kind, 2);
    const kept = wheel.start(200, kind, 3);
    expect(wheel.pending).toBe(3);
    expect(wheel.cancel(long)).toBe(true);
    expect(wheel.cancel(short)).toBe(true);
    expect(wheel.pending).toBe(1);
    sim.run();
    expect(fired).toEqual([{ timeNs: 200, arg: 3 }]);
    expect([wheel.started, wheel.fired, wheel.cancelled, wheel.pending]).toEqual([3, 1, 2, 0]);
    // kept fired: its handle is stale now.
    expect(wheel.cancel(kept)).toBe(false);
  });

  it('returns false for a second cancel, a fired timer, and handles that never existed', () => {
    const { sim, wheel, kind } = recordingWheel();
    const a = wheel.start(NS_PER_S, kind, 0);
    expect(wheel.cancel(a)).toBe(true);
    expect(wheel.cancel(a)).toBe(false);
    const b = wheel.start(NS_PER_S, kind, 0);
    sim.run();
    expect(wheel.cancel(b)).toBe(false);
    for (const bogus of [-1, 1e9, 0.5, Number.NaN]) expect(wheel.cancel(bogus)).toBe(false);
    expect(wheel.cancelled).toBe(1);
  });

  it('a stale handle cannot cancel the timer that reuses its slot', () => {
    const { sim, wheel, kind, fired } = recordingWheel();
    const old = wheel.start(5 * NS_PER_S, kind, 1);
    expect(wheel.cancel(old)).toBe(true);
    // The slot is recycled at once (free list): the new timer has the same index, a new generation.
    const reused = wheel.start(7 * NS_PER_S, kind, 2);
    expect(reused % 2 ** 27).toBe(old % 2 ** 27);
    expect(reused).not.toBe(old);
    expect(wheel.cancel(old)).toBe(false);
    // Same after a fire: the fired timer's handle does not reach the next occupant.
    sim.run();
    const next = wheel.start(NS_PER_S, kind, 3);
    expect(wheel.cancel(reused)).toBe(false);
    sim.run();
    expect(fired.map((f) => f.arg)).toEqual([2, 3]);
    expect(wheel.cancel(next)).toBe(false);
  });

  it('keeps memory bounded over a million start+cancel pairs as the clock advances', () => {
    const { sim, wheel, kind, fired } = recordingWheel();
    const outstanding = 64;
    const ring = new Float64Array(outstanding).fill(-1);
    let step = 0;
    const steps = 1_000_000;
    // Every 10 us a message goes out with a 30 s ack timer; the ack 64 messages back arrives and
    // cancels its timer. Every 16th timer is short (50 ns) and is cancelled while in the event list.
    const send = sim.register('send', () => {
      const slot = step % outstanding;
      if (ring[slot]! >= 0) wheel.cancel(ring[slot]!);
      ring[slot] = wheel.start(step % 16 === 0 ? 50 : 30 * NS_PER_S, kind, step);
      step++;
      if (step < steps) sim.scheduleIn(10 * NS_PER_US, send, 0);
    });
    sim.scheduleAt(0, send, 0);
    let pendingEventsMax = 0;
    while (sim.run({ maxEvents: 100_000 }).stoppedBy === 'events') {
      pendingEventsMax = Math.max(pendingEventsMax, sim.pendingEvents);
    }
    // Short timers fire 50 ns after start, before their ack; the rest are cancelled, except the
    // last 64 (4 short, 60 long), which nobody acks and which fire when the run drains.
    const shortTimers = steps / 16;
    expect(wheel.started).toBe(steps);
    expect(fired.length).toBe(shortTimers + outstanding - 4);
    expect(wheel.cancelled).toBe(steps - shortTimers - (outstanding - 4));
    expect(capacityOf(wheel)).toBe(1024);
    expect(pendingEventsMax).toBeLessThanOrEqual(4);
  });

  it('frees cancelled timers that were in the event list when they pop', () => {
    const { sim, wheel, kind } = recordingWheel();
    const send = sim.register('send', () => {
      for (let i = 0; i < 1000; i++) wheel.cancel(wheel.start(10, kind, i));
    });
    for (let t = 0; t < 3000; t++) sim.scheduleAt(t * 100, send, 0);
    sim.run();
    expect(wheel.cancelled).toBe(3_000_000);
    expect(capacityOf(wheel)).toBe(1024);
    expect(sim.pendingEvents).toBe(0);
  });
});

describe('timer wheel: ties with ordinary events', () => {
  /** Starts/schedules a mix at one due time and returns the labels in firing order. */
  function tieOrder(dueNs: number, options: { timerTickNs?: number } = {}): string[] {
    const sim = new Simulator(options);
    const order: string[] = [];
    const timer = sim.timers.register((arg) => order.push(`timer${arg}`));
    const event = sim.register('event', (arg) => order.push(`event${arg}`));
    sim.timers.start(dueNs, timer, 1);
    sim.scheduleAt(dueNs, event, 1);
    sim.timers.start(dueNs, timer, 2);
    sim.timers.start(dueNs, timer, 3);
    sim.scheduleAt(dueNs, event, 2);
    // An event at the due time that starts a zero-delay timer: it fires after everything already due.
    const late = sim.register('late', () => {
      order.push('late');
      sim.timers.start(0, timer, 4);
    });
    sim.scheduleAt(dueNs, late, 0);
    sim.timers.start(dueNs, timer, 5);
    sim.run();
    return order;
  }

  const startOrder = ['timer1', 'event1', 'timer2', 'timer3', 'event2', 'late', 'timer5', 'timer4'];

  it.each([
    ['within the first tick', 300],
    ['exactly on a tick boundary', 7 * NS_PER_MS],
    ['after one cascade', 3 * NS_PER_S + 17],
    ['on a level-2 boundary', 256 * 256 * NS_PER_MS],
    ['30 days out', 30 * NS_PER_DAY],
  ])('fires in start/schedule order %s (was: reverse start order for equal expiries)', (_label, dueNs) => {
    expect(tieOrder(dueNs)).toEqual(startOrder);
  });

  it('keeps that order with a 1 ns tick (seven levels)', () => {
    expect(tieOrder(30 * NS_PER_DAY + 1, { timerTickNs: 1 })).toEqual(startOrder);
  });

  it('orders timers started at different times, due at one time, by start time', () => {
    const sim = new Simulator();
    const order: number[] = [];
    const timer = sim.timers.register((arg) => order.push(arg));
    const dueNs = 10 * NS_PER_MIN;
    const starter = sim.register('starter', (arg) => {
      sim.timers.start(dueNs - sim.nowNs, timer, arg);
      order.push(-arg);
    });
    // Started 10 min, 1 min, 1 s, 1 ms and 1 ns before the due time: each lands on a different level.
    const leads = [10 * NS_PER_MIN, NS_PER_MIN, NS_PER_S, NS_PER_MS, 1];
    leads.forEach((lead, i) => sim.scheduleAt(dueNs - lead, starter, i + 1));
    sim.run();
    expect(order).toEqual([-1, -2, -3, -4, -5, 1, 2, 3, 4, 5]);
  });
});
