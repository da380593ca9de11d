/**
 * Support for the validation ladder's first rung (DESIGN.md section 6): simulate open queueing
 * networks on the real kernel (Simulator + MultiServerQueue), and compare a simulated mean with a
 * formula through a batch-means confidence interval.
 *
 * Batch means: drop a warm-up, cut the rest (in arrival order) into k equal batches, and treat the
 * k batch means as nearly independent normal draws, so that
 *   mean +- t(1 - alpha/2, k - 1) * sd(batch means) / sqrt(k)
 * is a 1 - alpha confidence interval for the steady-state mean (Law, Simulation Modeling and
 * Analysis, 5th ed., section 9.5.3). Batches must be much longer than the queue's relaxation time,
 * which is why the models below keep utilisation at or below 0.85.
 */
import { expect } from 'vitest';
import type { Distribution } from '../../src/sim/distributions/index.js';
import { MultiServerQueue } from '../../src/sim/multi-server-queue.js';
import { ConstantRatePoissonProcess } from '../../src/sim/poisson-process.js';
import { RandomStreams } from '../../src/sim/random.js';
import { Simulator } from '../../src/sim/simulator.js';
import { NS_PER_S } from '../../src/sim/time.js';

/**
 * Two-sided 99% Student t quantiles t(0.995, df), hard-coded from standard tables (R:
 * qt(0.995, df)). simple-statistics has no t quantile. validation-stats.test.ts recomputes them by
 * integrating the t density, so a typo here fails a test.
 */
export const T_QUANTILE_0995: Readonly<Record<number, number>> = {
  19: 2.860935,
  29: 2.756386,
  39: 2.707913,
};

export interface BatchMeansInterval {
  mean: number;
  halfWidth: number;
  low: number;
  high: number;
  batches: number;
  batchSize: number;
  /** Lag-1 autocorrelation of the batch means: near 0 when batches are long enough. */
  lag1: number;
}

/** A 99% batch-means interval over samples[warmup...], cut into `batches` equal batches. */
export function batchMeans99(samples: Float64Array, warmup: number, batches = 30): BatchMeansInterval {
  const t = T_QUANTILE_0995[batches - 1];
  if (t === undefined) throw new Error(`no t(0.995, ${batches - 1}) in the table`);
  const batchSize = Math.floor((samples.length - warmup) / batches);
  if (batchSize < 1) throw new Error(`too few samples (${samples.length}) for ${batches} batches after ${warmup}`);
  const means = new Float64Array(batches);
  for (let b = 0; b < batches; b++) {
    let sum = 0;
    const from = warmup + b * batchSize;
    for (let i = from; i < from + batchSize; i++) sum += samples[i]!;
    means[b] = sum / batchSize;
  }
  let mean = 0;
  for (const m of means) mean += m;
  mean /= batches;
  let ss = 0;
  let lagSum = 0;
  for (let b = 0; b < batches; b++) {
    const d = means[b]! - mean;
    ss += d * d;
    if (b > 0) lagSum += d * (means[b - 1]! - mean);
  }
  const sd = Math.sqrt(ss / (batches - 1));
  const halfWidth = (t * sd) / Math.sqrt(batches);
  return { mean, halfWidth, low: mean - halfWidth, high: mean + halfWidth, batches, batchSize, lag1: ss > 0 ? lagSum / ss : 0 };
}

/** Asserts that `expected` lies in the interval, with a message that shows the numbers. */
export function expectInInterval(label: string, interval: BatchMeansInterval, expected: number): void {
  if (process.env.VALIDATION_VERBOSE) console.log(label, expected, interval);
  const text = `${label}: formula ${expected.toPrecision(6)} vs simulated ${interval.mean.toPrecision(6)} +- ${interval.halfWidth.toPrecision(3)} (99%, ${interval.batches} batches of ${interval.batchSize}, lag-1 ${interval.lag1.toFixed(2)})`;
  expect(expected, text).toBeGreaterThanOrEqual(interval.low);
  expect(expected, text).toBeLessThanOrEqual(interval.high);
}

export interface StationModel {
  servers: number;
  /** Service time in nanoseconds. */
  service: Distribution;
  /** Jobs that may wait; default large enough that nothing is dropped at these loads. */
  waitingMax?: number;
}

export interface NetworkModel {
  seed: number;
  arrivalRatePerSecond: number;
  /** Visited in order, once each (a single station, or a tandem line). */
  stations: readonly StationModel[];
  customers: number;
}

export interface NetworkRun {
  /** Time in system per customer, in arrival order (seconds). */
  sojournSeconds: Float64Array;
  /** Time spent waiting (not in service) per customer, summed over stations (seconds). */
  waitSeconds: Float64Array;
  drops: number;
  events: number;
  /** Mean fraction of servers busy, per station, over the whole run. */
  utilisation: number[];
}

/** Runs customers through the stations on the real kernel until every one has left. */
export function simulateNetwork(model: NetworkModel): NetworkRun {
  const sim = new Simulator();
  const streams = new RandomStreams(model.seed);
  const arrivals = new ConstantRatePoissonProcess(streams.stream('arrivals'), model.arrivalRatePerSecond);
  const { customers } = model;
  const arriveNs = new Float64Array(customers);
  const serviceNs = new Float64Array(customers);
  const sojournSeconds = new Float64Array(customers).fill(Number.NaN);
  const waitSeconds = new Float64Array(customers).fill(Number.NaN);
  let drops = 0;
  const queues: MultiServerQueue[] = [];
  const serviceRngs = model.stations.map((_, i) => streams.stream(`service-${i}`));
  const enter = (station: number, job: number): void => {
    const spec = model.stations[station]!;
    // Rounded here so that the time recorded is the time the queue will use.
    const s = Math.round(spec.service.sample(serviceRngs[station]!));
    serviceNs[job] = serviceNs[job]! + s;
    if (!queues[station]!.arrive(job, s)) drops++;
  };
  model.stations.forEach((spec, i) => {
    const last = i === model.stations.length - 1;
    queues.push(
      new MultiServerQueue(sim, {
        name: `station-${i}`,
        servers: spec.servers,
        waitingMax: spec.waitingMax ?? 1_000_000,
        onDepart: last
          ? (job) => {
              const inSystemNs = sim.nowNs - arriveNs[job]!;
              sojournSeconds[job] = inSystemNs / NS_PER_S;
              waitSeconds[job] = (inSystemNs - serviceNs[job]!) / NS_PER_S;
            }
          : (job) => enter(i + 1, job),
      }),
    );
  });
  let next = 0;
  const arrive = sim.register('arrive', (job) => {
    arriveNs[job] = sim.nowNs;
    enter(0, job);
    next++;
    if (next < customers) sim.scheduleAt(arrivals.nextArrivalNs(sim.nowNs), arrive, next);
  });
  sim.scheduleAt(arrivals.nextArrivalNs(0), arrive, next);
  const outcome = sim.run({ maxEvents: customers * (2 * model.stations.length + 2) });
  if (outcome.stoppedBy !== 'empty') throw new Error(`run did not drain: ${outcome.stoppedBy}`);
  return { sojournSeconds, waitSeconds, drops, events: outcome.events, utilisation: queues.map((q) => q.utilisation()) };
}
