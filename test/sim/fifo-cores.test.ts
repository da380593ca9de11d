/**
 * FifoCores: the hand-worked trace of multi-server-queue.test.ts (the same schedule, settled at
 * arrival), then random runs played through both queues side by side: every job's finish, every
 * drop and the time integrals at probe times must be the same.
 */
import { describe, expect, it } from 'vitest';
import { FifoCores } from '../../src/sim/fifo-cores.js';
import { MultiServerQueue } from '../../src/sim/multi-server-queue.js';
import { RandomStreams } from '../../src/sim/random.js';
import { Simulator } from '../../src/sim/simulator.js';
import { TRACE_ARRIVALS, TRACE_SERVERS, TRACE_WAITING_MAX } from './queue-trace.js';

describe('fifo cores: a hand-worked trace, c = 2, room for 2', () => {
  // The trace of queue-trace.ts, the same schedule settled at each arrival.
  function run() {
    const sim = new Simulator();
    const queue = new FifoCores(sim, { name: 'cpu', servers: TRACE_SERVERS, waitingMax: TRACE_WAITING_MAX });
    const finishes: number[] = [];
    const arrivals = TRACE_ARRIVALS;
    const arrive = sim.register('arrive', (job) => finishes.push(queue.admit(arrivals[job]![1])));
    arrivals.forEach(([t], job) => sim.scheduleAt(t, arrive, job));
    const probes: Record<number, number[]> = {};
    const probe = sim.register('probe', (t) => {
      probes[t] = [queue.busyServers, queue.waitingJobs, queue.utilisation(), queue.waitingMean(), queue.busyServerNs()];
    });
    for (const t of [3, 9, 10, 20]) sim.scheduleAt(t, probe, t);
    sim.run();
    return { sim, queue, finishes, probes };
  }

  it('settles each finish at arrival, first come first served, and drops the arrival that finds the room full', () => {
    const { queue, finishes } = run();
    expect(finishes).toEqual([10, 4, 9, 10, -1, 15]);
    expect([queue.arrivals, queue.drops, queue.waitingPeak]).toEqual([6, 1, 2]);
  });

  it('accounts busy servers and waiting jobs as exact time integrals, whenever they are read', () => {
    const { probes } = run();
    // At t=3: both busy since 0 (6 server-ns); waiting 1 job over [1,2), 2 over [2,3): 3 job-ns.
    expect(probes[3]).toEqual([2, 2, 6 / (3 * 2), 3 / 3, 6]);
    // At t=9: C has just left and D started (a server free at an instant is free at it).
    expect(probes[9]).toEqual([2, 0, 18 / (9 * 2), 10 / 9, 18]);
    // At t=10: A and D finish at 10, so neither is busy at 10; busy 2 over [0,10) = 20.
    expect(probes[10]).toEqual([0, 0, 20 / (10 * 2), 10 / 10, 20]);
    // At t=20: F added 3 server-ns.
    expect(probes[20]).toEqual([0, 0, 23 / (20 * 2), 10 / 20, 23]);
  });

  it('restarts counters and integrals at resetStatistics, mid-job too', () => {
    const sim = new Simulator();
    const queue = new FifoCores(sim, { name: 'cpu', servers: 1, waitingMax: 10 });
    const arrive = sim.register('arrive', (serviceNs) => void queue.admit(serviceNs));
    const reset = sim.register('reset', () => queue.resetStatistics());
    sim.scheduleAt(0, arrive, 10);
    sim.scheduleAt(2, arrive, 4); // waits over [2, 10), serves over [10, 14)
    sim.scheduleAt(6, reset, 0);
    sim.run({ untilNs: 20 });
    expect(queue.waitingPeak).toBe(1);
    expect([queue.arrivals, queue.drops]).toEqual([0, 0]);
    // Window [6, 20): busy over [6, 14) = 8 of 14; one job waiting over [6, 10) = 4.
    expect(queue.busyServerNs()).toBe(8);
    expect(queue.utilisation()).toBe(8 / 14);
    expect(queue.waitingMean()).toBe(4 / 14);
  });

  it('rejects a count of servers or a room that is not a whole number', () => {
    const sim = new Simulator();
    expect(() => new FifoCores(sim, { name: 'q', servers: 0, waitingMax: 1 })).toThrow(/servers/);
    expect(() => new FifoCores(sim, { name: 'q', servers: 2, waitingMax: 1.5 })).toThrow(/waitingMax/);
  });
});

describe('fifo cores against the event-driven queue, job for job', () => {
  it.each([
    [1, 0],
    [3, 5],
    [8, 100_000],
    [64, 20],
  ])('c = %d, room %d: the same finishes, drops, peaks and integrals', (servers, waitingMax) => {
    const sim = new Simulator();
    const rng = new RandomStreams(11).stream(`fifo-${servers}`);
    const jobs = 40_000;
    const settled = new Float64Array(jobs).fill(-2);
    const departed = new Float64Array(jobs).fill(-1);
    const eventDriven = new MultiServerQueue(sim, { name: 'events', servers, waitingMax, onDepart: (job) => (departed[job] = sim.nowNs) });
    const atArrival = new FifoCores(sim, { name: 'settled', servers, waitingMax });
    let next = 0;
    // Offered load 0.97 per server: queues form, and a small room overflows.
    const meanServiceNs = 1_000_000;
    const meanGapNs = meanServiceNs / (0.97 * servers);
    const arrive = sim.register('arrive', (job) => {
      const serviceNs = 1 + Math.round(rng.nextExponential() * meanServiceNs);
      const accepted = eventDriven.arrive(job, serviceNs);
      settled[job] = atArrival.admit(serviceNs);
      expect(settled[job]! >= 0).toBe(accepted);
      if (++next < jobs) sim.scheduleIn(1 + rng.nextExponential() * meanGapNs, arrive, next);
    });
    const mismatches: string[] = [];
    const probe = sim.register('probe', (k) => {
      const a = [eventDriven.busyServers, eventDriven.waitingJobs, eventDriven.busyServerNs(), eventDriven.waitingMean(), eventDriven.waitingPeak, eventDriven.drops];
      const b = [atArrival.busyServers, atArrival.waitingJobs, atArrival.busyServerNs(), atArrival.waitingMean(), atArrival.waitingPeak, atArrival.drops];
      if (a.some((x, i) => Math.abs(x - b[i]!) > 1e-9 * Math.max(1, Math.abs(x)))) mismatches.push(`probe ${k}: ${a} against ${b}`);
      if (k === 3) {
        eventDriven.resetStatistics();
        atArrival.resetStatistics();
      }
      if (k < 40) sim.scheduleIn(meanGapNs * 1000 + 0.5, probe, k + 1);
    });
    sim.scheduleAt(0, arrive, 0);
    sim.scheduleAt(1, probe, 0);
    sim.run();
    expect(mismatches).toEqual([]);
    for (let job = 0; job < jobs; job++) if (settled[job] !== departed[job]) mismatches.push(`job ${job}: ${settled[job]} against ${departed[job]}`);
    expect(mismatches.slice(0, 5)).toEqual([]);
    if (waitingMax < 100) expect(atArrival.drops).toBeGreaterThan(0);
    expect(atArrival.utilisation()).toBeCloseTo(eventDriven.utilisation(), 12);
  });
});
