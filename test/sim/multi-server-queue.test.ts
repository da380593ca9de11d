/**
 * MultiServerQueue: a hand-worked trace (FIFO, drops at the bound, exact time integrals), then
 * larger runs checked against invariants that hold exactly (busy integral = work done, FIFO starts).
 */
import { describe, expect, it } from 'vitest';
import { MultiServerQueue } from '../../src/sim/multi-server-queue.js';
import { waitingRingSize } from '../../src/sim/queue-shape.js';
import { RandomStreams } from '../../src/sim/random.js';
import { Simulator } from '../../src/sim/simulator.js';
import { TRACE_ARRIVALS, TRACE_SERVERS, TRACE_WAITING_MAX } from './queue-trace.js';

describe('multi-server queue: a hand-worked trace, c = 2, room for 2', () => {
  // The trace of queue-trace.ts: t=10 A leaves, then D.
  function run() {
    const sim = new Simulator();
    const departed: Array<[number, string]> = [];
    const names = 'ABCDEF';
    const queue = new MultiServerQueue(sim, {
      name: 'cpu',
      servers: TRACE_SERVERS,
      waitingMax: TRACE_WAITING_MAX,
      onDepart: (job) => departed.push([sim.nowNs, names[job]!]),
    });
    const accepted: boolean[] = [];
    const arrivals = TRACE_ARRIVALS;
    const arrive = sim.register('arrive', (job) => accepted.push(queue.arrive(job, arrivals[job]![1])));
    arrivals.forEach(([t], job) => sim.scheduleAt(t, arrive, job));
    const probes: Record<number, number[]> = {};
    const probe = sim.register('probe', (t) => {
      probes[t] = [queue.busyServers, queue.waitingJobs, queue.utilisation(), queue.waitingMean(), queue.busyServerNs()];
    });
    for (const t of [3, 10, 20]) sim.scheduleAt(t, probe, t);
    sim.run();
    return { sim, queue, departed, accepted, probes };
  }

  it('serves first come first served and drops the arrival that finds the room full', () => {
    const { queue, departed, accepted } = run();
    expect(accepted).toEqual([true, true, true, true, false, true]);
    expect(departed).toEqual([
      [4, 'B'],
      [9, 'C'],
      [10, 'A'],
      [10, 'D'],
      [15, 'F'],
    ]);
    expect([queue.arrivals, queue.departures, queue.drops, queue.waitingPeak]).toEqual([6, 5, 1, 2]);
  });

  it('accounts busy servers and waiting jobs as exact time integrals', () => {
    const { probes } = run();
    // At t=3: both busy since 0 (6 server-ns); waiting 1 job over [1,2), 2 over [2,3): 3 job-ns.
    expect(probes[3]).toEqual([2, 2, 6 / (3 * 2), 3 / 3, 6]);
    // At t=10 (the probe was scheduled before A and D's departures at 10, so it sees them busy):
    // busy 2 over [0,10) = 20; waiting 1+2*2 over [1,4) plus 1 over [4,9) = 10.
    expect(probes[10]).toEqual([2, 0, 20 / (10 * 2), 10 / 10, 20]);
    // At t=20: F added 3 server-ns.
    expect(probes[20]).toEqual([0, 0, 23 / (20 * 2), 10 / 20, 23]);
  });

  it('restarts counters and integrals at resetStatistics', () => {
    const { sim, queue } = run();
    queue.resetStatistics();
    expect([queue.arrivals, queue.departures, queue.drops, queue.waitingPeak]).toEqual([0, 0, 0, 0]);
    expect(queue.utilisation()).toBe(0);
    const again = sim.register('again', () => queue.arrive(9, 5));
    sim.scheduleAt(30, again, 0);
    sim.run({ untilNs: 40 });
    // Window [20, 40): one server busy for 5 ns of 2 x 20.
    expect(queue.utilisation()).toBe(5 / 40);
    expect(queue.busyServerNs()).toBe(5);
    expect([queue.arrivals, queue.departures]).toEqual([1, 1]);
  });
});

describe('multi-server queue: invariants over random runs', () => {
  it.each([
    [1, 0],
    [3, 5],
    [2, 40],
    [8, 100_000],
  ])('c = %d, room %d: FIFO starts, busy integral equals work done, counts add up', (servers, waitingMax) => {
    const sim = new Simulator();
    const rng = new RandomStreams(7).stream(`queue-${servers}`);
    const jobs = 50_000;
    const arrivalNs = new Float64Array(jobs);
    const serviceNs = new Float64Array(jobs);
    const startNs = new Float64Array(jobs).fill(-1);
    let workNs = 0;
    const queue = new MultiServerQueue(sim, {
      name: 'q',
      servers,
      waitingMax,
      onDepart: (job) => {
        startNs[job] = sim.nowNs - serviceNs[job]!;
        workNs += serviceNs[job]!;
      },
    });
    let accepted = 0;
    let next = 0;
    // Offered load 0.95 per server: the room fills often when it is small.
    const meanServiceNs = 1_000_000;
    const meanGapNs = meanServiceNs / (0.95 * servers);
    const arrive = sim.register('arrive', (job) => {
      arrivalNs[job] = sim.nowNs;
      serviceNs[job] = Math.round(rng.nextExponential() * meanServiceNs);
      if (queue.arrive(job, serviceNs[job]!)) accepted++;
      if (++next < jobs) sim.scheduleIn(rng.nextExponential() * meanGapNs, arrive, next);
    });
    sim.scheduleAt(0, arrive, next);
    sim.run();
    expect(queue.arrivals).toBe(jobs);
    expect(queue.departures).toBe(accepted);
    expect(queue.drops).toBe(jobs - accepted);
    if (waitingMax < 100) expect(queue.drops).toBeGreaterThan(0);
    else expect(queue.drops).toBe(0);
    expect(queue.waitingPeak).toBeLessThanOrEqual(waitingMax);
    // Every admitted job starts no earlier than it arrived, and starts are in arrival order.
    let lastStart = -1;
    let fifoBreaks = 0;
    for (let job = 0; job < jobs; job++) {
      if (startNs[job]! < 0) continue;
      if (startNs[job]! < arrivalNs[job]! || startNs[job]! < lastStart) fifoBreaks++;
      lastStart = startNs[job]!;
    }
    expect(fifoBreaks).toBe(0);
    // The busy integral is exactly the service time delivered (integers, no rounding).
    expect(queue.busyServerNs()).toBe(workNs);
    expect(queue.utilisation()).toBeCloseTo(workNs / (sim.nowNs * servers), 12);
    expect(queue.busyServers).toBe(0);
    expect(queue.waitingJobs).toBe(0);
  });

  it('keeps FIFO order when its ring wraps and then grows (a power of two either way)', () => {
    expect([0, 5, 16, 100, 1000, 1024, 100_000].map(waitingRingSize)).toEqual([16, 16, 16, 128, 1024, 1024, 1024]);
    const sim = new Simulator();
    const departed: number[] = [];
    const queue = new MultiServerQueue(sim, { name: 'q', servers: 1, waitingMax: 10_000, onDepart: (job) => departed.push(job) });
    const arrive = sim.register('arrive', (job) => queue.arrive(job, 1));
    // 600 at time 0, each served in 1 ns: by time 400 the ring's head is at 400; then 1,500 more
    // wrap past the ring's end (1,024) and make it grow while wrapped.
    for (let job = 0; job < 600; job++) sim.scheduleAt(0, arrive, job);
    for (let job = 600; job < 2_100; job++) sim.scheduleAt(400, arrive, job);
    sim.run();
    expect(queue.waitingPeak).toBeGreaterThan(1024);
    expect(departed).toEqual(Array.from({ length: 2_100 }, (_, job) => job));
  });

  it('refuses a non-positive server count or a negative room', () => {
    const sim = new Simulator();
    const onDepart = () => undefined;
    expect(() => new MultiServerQueue(sim, { name: 'x', servers: 0, waitingMax: 1, onDepart })).toThrow(/servers must be a positive integer/);
    expect(() => new MultiServerQueue(sim, { name: 'x', servers: 1.5, waitingMax: 1, onDepart })).toThrow(/servers must be a positive integer/);
    expect(() => new MultiServerQueue(sim, { name: 'x', servers: 1, waitingMax: -1, onDepart })).toThrow(/waitingMax must be a non-negative integer/);
  });
});
