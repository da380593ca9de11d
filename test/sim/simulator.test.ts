/**
 * The kernel's dispatch loop: run limits (until, maxEvents, stop), tie order, the clock after a
 * run, and refusals. Run against both event lists, since the Simulator takes either.
 */
import { describe, expect, it } from 'vitest';
import { BinaryHeapEventList } from '../../src/sim/binary-heap-event-list.js';
import { BucketEventList } from '../../src/sim/bucket-event-list.js';
import type { EventList } from '../../src/sim/event-list.js';
import { Simulator } from '../../src/sim/simulator.js';
import { ClockRangeError, NS_PER_MS, TIME_NS_MAX } from '../../src/sim/time.js';

const eventLists: Array<[string, () => EventList]> = [
  ['bucket ladder', () => new BucketEventList()],
  ['binary heap', () => new BinaryHeapEventList(16)],
];

describe.each(eventLists)('simulator with the %s', (_name, makeList) => {
  /** A simulator with one handler that records (time, arg). */
  function recording() {
    const sim = new Simulator({ eventList: makeList() });
    const log: Array<[number, number]> = [];
    const kind = sim.register('record', (arg) => log.push([sim.nowNs, arg]));
    return { sim, kind, log };
  }

  it('fires events in time order and equal times in scheduling order', () => {
    const { sim, kind, log } = recording();
    const times = [50, 10, 30, 10, 50, 0, 30, 10];
    times.forEach((t, i) => sim.scheduleAt(t, kind, i));
    const outcome = sim.run();
    expect(outcome).toEqual({ stoppedBy: 'empty', events: 8 });
    expect(log).toEqual([
      [0, 5],
      [10, 1],
      [10, 3],
      [10, 7],
      [30, 2],
      [30, 6],
      [50, 0],
      [50, 4],
    ]);
    expect(sim.nowNs).toBe(50);
    expect(sim.eventsProcessed).toBe(8);
  });

  it('orders events scheduled during a run at the current time after those already due then', () => {
    const sim = new Simulator({ eventList: makeList() });
    const log: string[] = [];
    const plain = sim.register('plain', (arg) => log.push(`p${arg}`));
    const spawner = sim.register('spawner', (arg) => {
      log.push(`s${arg}`);
      sim.scheduleIn(0, plain, 10 + arg);
    });
    sim.scheduleAt(100, spawner, 1);
    sim.scheduleAt(100, plain, 2);
    sim.scheduleAt(100, spawner, 3);
    sim.run();
    expect(log).toEqual(['s1', 'p2', 's3', 'p11', 'p13']);
  });

  it('stops before events later than untilNs, leaves the clock at untilNs, and resumes in order', () => {
    const { sim, kind, log } = recording();
    for (let i = 0; i < 10; i++) sim.scheduleAt(i * 100, kind, i);
    // Two ties at the boundary's next time, to check the one put back keeps its place.
    sim.scheduleAt(500, kind, 50);
    const first = sim.run({ untilNs: 450 });
    expect(first).toEqual({ stoppedBy: 'time', events: 5 });
    expect(sim.nowNs).toBe(450);
    expect(log.map(([, a]) => a)).toEqual([0, 1, 2, 3, 4]);
    // An event at exactly untilNs fires.
    const second = sim.run({ untilNs: 500 });
    expect(second).toEqual({ stoppedBy: 'time', events: 2 });
    expect(log.slice(5)).toEqual([
      [500, 5],
      [500, 50],
    ]);
    expect(sim.nowNs).toBe(500);
    expect(sim.run()).toEqual({ stoppedBy: 'empty', events: 4 });
    expect(sim.nowNs).toBe(900);
  });

  it('moves the clock to untilNs when the list empties first, never backwards', () => {
    const { sim, kind } = recording();
    sim.scheduleAt(7, kind, 0);
    expect(sim.run({ untilNs: 1_000 })).toEqual({ stoppedBy: 'empty', events: 1 });
    expect(sim.nowNs).toBe(1_000);
    expect(sim.run({ untilNs: 10 })).toEqual({ stoppedBy: 'empty', events: 0 });
    expect(sim.nowNs).toBe(1_000);
    // Without untilNs the clock stays at the last event.
    sim.scheduleAt(1_500, kind, 0);
    sim.run();
    expect(sim.nowNs).toBe(1_500);
  });

  it('stops after maxEvents, counting only this call, and leaves the clock at the last event', () => {
    const { sim, kind, log } = recording();
    for (let i = 1; i <= 10; i++) sim.scheduleAt(i * NS_PER_MS, kind, i);
    expect(sim.run({ maxEvents: 3 })).toEqual({ stoppedBy: 'events', events: 3 });
    expect(sim.nowNs).toBe(3 * NS_PER_MS);
    expect(sim.run({ maxEvents: 0 })).toEqual({ stoppedBy: 'events', events: 0 });
    // Whichever limit comes first wins.
    expect(sim.run({ maxEvents: 5, untilNs: 4.5 * NS_PER_MS })).toEqual({ stoppedBy: 'time', events: 1 });
    expect(sim.run({ maxEvents: 2, untilNs: 100 * NS_PER_MS })).toEqual({ stoppedBy: 'events', events: 2 });
    expect(sim.nowNs).toBe(6 * NS_PER_MS);
    expect(sim.eventsProcessed).toBe(6);
    expect(sim.pendingEvents).toBe(4);
    expect(log.map(([, a]) => a)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('stop() ends the run after the current event; the next run carries on', () => {
    const sim = new Simulator({ eventList: makeList() });
    const seen: number[] = [];
    const kind = sim.register('maybe-stop', (arg) => {
      seen.push(arg);
      if (arg === 2) sim.stop();
    });
    for (let i = 0; i < 5; i++) sim.scheduleAt(10 * i, kind, i);
    expect(sim.run()).toEqual({ stoppedBy: 'stopped', events: 3 });
    expect(sim.nowNs).toBe(20);
    // A stop requested outside a run does not leak into the next one.
    sim.stop();
    expect(sim.run()).toEqual({ stoppedBy: 'empty', events: 2 });
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  it('refuses to schedule in the past, at fractional or unsafe times; rounds scheduleIn delays', () => {
    const { sim, kind, log } = recording();
    sim.scheduleAt(1_000, kind, 0);
    sim.run();
    expect(() => sim.scheduleAt(999, kind, 1)).toThrow(/cannot schedule record at 999 ns \(now 1000 ns\)/);
    expect(() => sim.scheduleIn(-1, kind, 1)).toThrow(/cannot schedule/);
    expect(() => sim.scheduleAt(1_000.5, kind, 1)).toThrow(/cannot schedule/);
    expect(() => sim.scheduleAt(Number.NaN, kind, 1)).toThrow(/cannot schedule/);
    // Past the clock's range: a ClockRangeError, which the CLI reports as the input's fault (exit 2).
    expect(() => sim.scheduleAt(TIME_NS_MAX + 2, kind, 1)).toThrow(ClockRangeError);
    expect(() => sim.scheduleAt(Number.POSITIVE_INFINITY, kind, 1)).toThrow(/^kernel: cannot schedule record at an infinite time, past the clock's exact range of 104 days$/);
    expect(sim.pendingEvents).toBe(0);
    sim.scheduleAt(1_000, kind, 2); // now itself is allowed
    sim.scheduleIn(0.4, kind, 3);
    sim.scheduleIn(2.5, kind, 4);
    sim.run();
    expect(log.slice(1)).toEqual([
      [1_000, 2],
      [1_000, 3],
      [1_003, 4],
    ]);
  });

  it('takeSequence and scheduleAtSequence place a later push among earlier ties', () => {
    const { sim, kind, log } = recording();
    sim.scheduleAt(10, kind, 1);
    const seq = sim.takeSequence();
    sim.scheduleAt(10, kind, 3);
    sim.scheduleAtSequence(10, seq, kind, 2);
    sim.scheduleAtSequence(10, -1, kind, 0);
    expect(() => sim.scheduleAtSequence(10, seq + 100, kind, 9)).toThrow(/was not taken/);
    expect(() => sim.scheduleAtSequence(5, sim.takeSequence(), kind, 9)).not.toThrow();
    sim.run();
    expect(log).toEqual([
      [5, 9],
      [10, 0],
      [10, 1],
      [10, 2],
      [10, 3],
    ]);
    expect(() => sim.scheduleAtSequence(9, sim.takeSequence(), kind, 9)).toThrow(/cannot schedule/);
  });

  it('passes integer args through unchanged, up to 2^53', () => {
    const { sim, kind, log } = recording();
    sim.scheduleAt(1, kind, 2 ** 53 - 1);
    sim.scheduleAt(1, kind, 0);
    sim.run();
    expect(log.map(([, a]) => a)).toEqual([2 ** 53 - 1, 0]);
  });

  it('holds a long hold model in exact (time, seq) order', () => {
    const sim = new Simulator({ eventList: makeList() });
    let lastNs = 0;
    let lastArg = -1;
    let outOfOrder = 0;
    let state = 12345;
    const kind = sim.register('hold', (arg) => {
      if (sim.nowNs < lastNs) outOfOrder++;
      // Equal times must come in scheduling order; args increase with scheduling order here.
      if (sim.nowNs === lastNs && arg < lastArg) outOfOrder++;
      lastNs = sim.nowNs;
      lastArg = arg;
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      // Many zero and small delays (ties), a few long ones.
      const delayNs = state % 7 === 0 ? 0 : state % 97 === 0 ? state : state % 1000;
      sim.scheduleIn(delayNs, kind, nextArg++);
    });
    let nextArg = 0;
    for (let i = 0; i < 1000; i++) sim.scheduleAt(i * 3, kind, nextArg++);
    expect(sim.run({ maxEvents: 200_000 }).events).toBe(200_000);
    expect(outOfOrder).toBe(0);
    expect(sim.pendingEvents).toBe(1000);
  });
});
