/**
 * reference-mm1 (DESIGN.md section 7): one server with one core (a MultiServerQueue), Poisson
 * arrivals at 0.9/s, exponential service at 1/s, N customers (1,000,000 by default). Mean time in
 * system in theory S / (1 - rho) = 10 s. The same model as the SimPy peer's `mm1`, so the two
 * speeds compare like for like: the wall time covers building the model and running every customer
 * through it; the percentiles are read afterwards, outside it, as the peer sorts its list afterwards.
 *
 * Each customer's time in system goes into a histogram of HdrHistogram's layout (3 significant
 * digits, in microseconds), as `run` keeps its latencies, not into an array of a million: that
 * array's fresh pages cost their faults in every run, 12 to 15 ms of a 140 ms run on this machine
 * (session 11), which is the allocator's time, not the kernel's. The mean stays exact (a sum of
 * integer ns); p50 and p99 are the histogram's, within 0.1% of the exact order statistics the
 * peer reports (test/bench/bench.test.ts checks them against a Lindley recursion on the same draws).
 */
import { bucketIndexOf, highestValueAt } from '../metrics/latency-histogram.js';
import type { EventList } from '../sim/event-list.js';
import { MultiServerQueue } from '../sim/multi-server-queue.js';
import { ConstantRatePoissonProcess } from '../sim/poisson-process.js';
import { RandomStreams } from '../sim/random.js';
import { Simulator } from '../sim/simulator.js';
import { NS_PER_S, TIME_NS_MAX } from '../sim/time.js';
import { perWallSecond, type WallClockMs } from './kernel-bench.js';

export const MM1_CUSTOMERS_DEFAULT = 1_000_000;
/** Waiting room: at rho 0.9 the queue passes 200 with probability 0.9^200 = 7e-10; a drop is reported. */
const MM1_WAITING_MAX = 100_000;
const NS_PER_US = 1000;
/** Histogram buckets for times below 2^32 us (71 minutes; longer ones grow it): HdrHistogram's layout, as bucketIndexOf. */
const IN_SYSTEM_BUCKETS = (21 + 2) * 1024;
/** Slots of the ring of arrival times to start with (a power of two); it doubles when more customers are in the system. */
const ARRIVED_RING_INITIAL = 1024;

export interface Mm1BenchOptions {
  seed?: number;
  arrivalRatePerSecond?: number;
  serviceRatePerSecond?: number;
  /** The kernel's event list; default the Simulator's own (the bucket ladder). */
  eventList?: EventList;
}

export interface Mm1BenchFigures {
  customers: number;
  wallSeconds: number;
  customersPerWallSecond: number;
  /** Mean time in system, simulated. */
  meanSeconds: number;
  /** The M/M/1 formula 1 / (mu - lambda): 10 s for the reference. */
  meanSecondsTheory: number;
  p50Seconds: number;
  p99Seconds: number;
  /** Kernel events dispatched (arrivals and departures). */
  events: number;
  eventsPerWallSecond: number;
  /** Arrivals that found the waiting room full; 0 expected. */
  drops: number;
}

export function mm1Bench(customers: number, clock: WallClockMs, options: Mm1BenchOptions = {}): Mm1BenchFigures {
  const lambda = options.arrivalRatePerSecond ?? 0.9;
  const mu = options.serviceRatePerSecond ?? 1;
  if (!(Number.isSafeInteger(customers) && customers >= 1)) throw new RangeError(`reference-mm1: customers must be an integer >= 1, got ${customers}`);
  if (!(lambda > 0 && mu > lambda && Number.isFinite(mu))) throw new RangeError(`reference-mm1: need 0 < arrival rate < service rate, got ${lambda} and ${mu}`);
  // The run lasts about customers / lambda seconds; integer nanoseconds are exact only to 2^53.
  const expectedEndNs = (customers / lambda) * NS_PER_S;
  if (expectedEndNs > TIME_NS_MAX / 1.5) {
    throw new RangeError(`reference-mm1: ${customers} customers at ${lambda}/s run past the exact range of the ns clock (about 104 days)`);
  }

  const startMs = clock();
  const sim = new Simulator(options.eventList === undefined ? {} : { eventList: options.eventList });
  const streams = new RandomStreams(options.seed ?? 1);
  const arrivals = new ConstantRatePoissonProcess(streams.stream('arrivals'), lambda);
  const serviceRng = streams.stream('service');
  const meanServiceNs = NS_PER_S / mu;
  let inSystemUsCounts = new Float64Array(IN_SYSTEM_BUCKETS);
  let done = 0;
  // A typed cell, not a `let`: a closure's variable holding a double is boxed anew on every update.
  const inSystemNsSum = new Float64Array(1);
  const countLonger = (index: number) => {
    const grown = new Float64Array((Math.floor(index / 1024) + 1) * 1024);
    grown.set(inSystemUsCounts);
    inSystemUsCounts = grown;
    inSystemUsCounts[index]!++;
  };
  // A job is its customer number, and the arrival times of the customers in the system are kept in a
  // ring by that number: the queue is FIFO, so they are the numbers from the oldest one not yet
  // departed to the newest, a few hundred at rho 0.9. Why not the arrival time itself as the job
  // (as before session 12): the kernel hands an event's argument to its handler as a JavaScript
  // number, and one past 2^31 (any time past 2.1 simulated seconds, in ns) is boxed in a fresh
  // HeapNumber at every departure; a customer number stays a small integer. Why not an array of a
  // million arrival times: its fresh pages cost their faults in every run (session 8).
  let arrivedNsRing = new Float64Array(ARRIVED_RING_INITIAL);
  let firstNotDeparted = 0;
  const growRing = (customer: number) => {
    let size = arrivedNsRing.length * 2;
    while (customer - firstNotDeparted >= size) size *= 2;
    const grown = new Float64Array(size);
    for (let c = firstNotDeparted; c < customer; c++) grown[c & (size - 1)] = arrivedNsRing[c & (arrivedNsRing.length - 1)]!;
    arrivedNsRing = grown;
  };
  const server = new MultiServerQueue(sim, {
    name: 'server',
    servers: 1,
    waitingMax: MM1_WAITING_MAX,
    onDepart: (customer) => {
      const ns = sim.nowNs - arrivedNsRing[customer & (arrivedNsRing.length - 1)]!;
      firstNotDeparted = customer + 1;
      done++;
      inSystemNsSum[0] += ns;
      const index = bucketIndexOf(Math.floor(ns / NS_PER_US));
      if (index < inSystemUsCounts.length) inSystemUsCounts[index]!++;
      else countLonger(index);
    },
  });
  let next = 0;
  let arriveKind = -1;
  arriveKind = sim.register('arrive', () => {
    const customer = next;
    if (customer - firstNotDeparted >= arrivedNsRing.length) growRing(customer);
    arrivedNsRing[customer & (arrivedNsRing.length - 1)] = sim.nowNs;
    server.arrive(customer, Math.round(serviceRng.nextExponential() * meanServiceNs));
    if (++next < customers) arrivals.scheduleNext(sim, arriveKind, 0);
  });
  // The first arrival through nextArrivalNs, not scheduleNext: called once from here, scheduleNext
  // was left with feedback that made 19 to 35 bytes of garbage per customer, not 3 to 19 (eight
  // processes each, session 15).
  sim.scheduleAt(arrivals.nextArrivalNs(0), arriveKind, 0);
  const outcome = sim.run({ maxEvents: 2 * customers + 1 });
  const elapsedMs = clock() - startMs;
  if (outcome.stoppedBy !== 'empty' || done + server.drops !== customers) {
    throw new Error(`reference-mm1: ${done} served and ${server.drops} dropped of ${customers} (stopped by ${outcome.stoppedBy}): broken invariant`);
  }

  const [p50Us, p99Us] = percentilesUs(inSystemUsCounts, done, [0.5, 0.99]);
  return {
    customers,
    wallSeconds: elapsedMs / 1000,
    customersPerWallSecond: perWallSecond(customers, elapsedMs),
    meanSeconds: done > 0 ? inSystemNsSum[0]! / done / NS_PER_S : Number.NaN,
    meanSecondsTheory: 1 / (mu - lambda),
    // The peer reports the order statistics xs[n / 2] and xs[n * 0.99]; these are the histogram's.
    p50Seconds: done > 0 ? p50Us! / US_PER_S : Number.NaN,
    p99Seconds: done > 0 ? p99Us! / US_PER_S : Number.NaN,
    events: outcome.events,
    eventsPerWallSecond: perWallSecond(outcome.events, elapsedMs),
    drops: server.drops,
  };
}

const US_PER_S = 1e6;

/**
 * The values at fractions (ascending) of `total` counts, as HdrHistogram reads them: the highest
 * value of the bucket where the running count first reaches fraction x total (rounded up).
 */
function percentilesUs(counts: Float64Array, total: number, fractions: readonly number[]): number[] {
  const out: number[] = [];
  let seen = 0;
  for (let index = 0; index < counts.length && out.length < fractions.length; index++) {
    seen += counts[index]!;
    while (out.length < fractions.length && seen >= Math.max(1, Math.ceil(fractions[out.length]! * total))) out.push(highestValueAt(index));
  }
  return out;
}
