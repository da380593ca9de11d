/**
 * Micro-benchmark of the randomness layer: draws per wall second for the stream's primitives,
 * each distribution's sample(), the counter-based hash and the Poisson processes.
 *
 * Run (compiles into the git-ignored .chatscale-tmp/, then runs; about 10 s on 2 cores):
 *   npx tsc --outDir .chatscale-tmp/bench --rootDir . --module NodeNext --moduleResolution NodeNext \
 *     --target ES2022 --esModuleInterop --skipLibCheck bench/random-bench.ts \
 *     && node .chatscale-tmp/bench/bench/random-bench.js [--json] [name-filter]
 *
 * Prints one line per case (or `{"cases":[...]}` with --json). Best of three rounds, so a
 * neighbour's burst of CPU does not count against the code. With a filter only the cases whose
 * name contains it run: a distribution measured alone has a monomorphic sample() call site, as
 * in a simulator loop that only ever holds one kind; measured together, the shared call site is
 * megamorphic, as in a model whose delays are typed as Distribution.
 */
import {
  type Distribution,
  discreteFromRecord,
  empiricalDensity,
  exponential,
  lognormal,
  normal,
  pareto,
  truncatedNormal,
  uniform,
  zipf,
} from '../src/sim/distributions/index.js';
import { ConstantRatePoissonProcess, rateCurve, ThinnedPoissonProcess } from '../src/sim/poisson-process.js';
import { hash64Float, hash64Uint32, RandomStreams } from '../src/sim/random.js';

const ROUNDS = 3;

interface Case {
  name: string;
  drawsPerWallSecond: number;
  nsPerDraw: number;
}

const filter = process.argv.slice(2).find((arg) => !arg.startsWith('--'));

function measure(name: string, draws: number, body: (count: number) => number): Case | undefined {
  if (filter !== undefined && !name.includes(filter)) return undefined;
  body(Math.min(draws, 100_000)); // warm up the JIT
  let bestSeconds = Infinity;
  let sink = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    sink += body(draws);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (seconds < bestSeconds) bestSeconds = seconds;
  }
  if (Number.isNaN(sink)) throw new Error(`${name}: NaN sink`);
  return { name, drawsPerWallSecond: Math.round(draws / bestSeconds), nsPerDraw: Number(((bestSeconds / draws) * 1e9).toFixed(2)) };
}

function distributionCase(name: string, distribution: Distribution, draws: number): Case | undefined {
  const rng = new RandomStreams(1).stream(`bench-${name}`);
  return measure(name, draws, (count) => {
    let sum = 0;
    for (let i = 0; i < count; i++) sum += distribution.sample(rng);
    return sum;
  });
}

const M = 5_000_000;
const streams = new RandomStreams(1);
const rng = streams.stream('bench');
const cases: Array<Case | undefined> = [];

cases.push(
  measure('stream.nextUint32', 2 * M, (count) => {
    let sum = 0;
    for (let i = 0; i < count; i++) sum += rng.nextUint32();
    return sum;
  }),
);
cases.push(
  measure('stream.nextFloat', M, (count) => {
    let sum = 0;
    for (let i = 0; i < count; i++) sum += rng.nextFloat();
    return sum;
  }),
);
cases.push(
  measure('stream.nextOpen', M, (count) => {
    let sum = 0;
    for (let i = 0; i < count; i++) sum += rng.nextOpen();
    return sum;
  }),
);
cases.push(
  measure('stream.nextInt(1000)', M, (count) => {
    let sum = 0;
    for (let i = 0; i < count; i++) sum += rng.nextInt(1000);
    return sum;
  }),
);
cases.push(
  measure('stream.nextGaussian', M, (count) => {
    let sum = 0;
    for (let i = 0; i < count; i++) sum += rng.nextGaussian();
    return sum;
  }),
);
cases.push(distributionCase('uniform', uniform(10, 20), M));
cases.push(distributionCase('exponential', exponential(200_000), M));
cases.push(distributionCase('normal', normal(50, 5), M));
cases.push(distributionCase('normal-truncated-at-0', truncatedNormal(1, 1), M));
cases.push(distributionCase('lognormal', lognormal(35e6, 0.4), M));
cases.push(distributionCase('pareto-bounded', pareto(1.5, 3, 1024), M));
cases.push(distributionCase('zipf(1.1,1e9)', zipf(1.1, 1e9), M));
cases.push(distributionCase('zipf(1.0,1e6)', zipf(1, 1e6), M));
cases.push(distributionCase('discrete-alias-3', discreteFromRecord({ 1: 70, 2: 20, 5: 10 }), M));
const hourly = [3, 2, 1.5, 1, 1, 1.5, 3, 6, 8, 8, 7.5, 7, 7.5, 7, 6.5, 6.5, 7, 7.5, 8.5, 10, 10, 9, 7, 5, 3];
cases.push(distributionCase('empirical-diurnal-25pt', empiricalDensity(hourly.map((y, x) => ({ x, y }))), M));
const seed = streams.hashSeed('population');
cases.push(
  measure('hash64Uint32', M, (count) => {
    let sum = 0;
    for (let i = 0; i < count; i++) sum += hash64Uint32(seed, i, 3);
    return sum;
  }),
);
cases.push(
  measure('hash64Float', M, (count) => {
    let sum = 0;
    for (let i = 0; i < count; i++) sum += hash64Float(seed, i, 3);
    return sum;
  }),
);
const constantPoisson = new ConstantRatePoissonProcess(streams.stream('bench-poisson'), 200_000);
cases.push(
  measure('poisson-constant.nextArrivalNs', M, (count) => {
    let t = 0;
    for (let i = 0; i < count; i++) t = constantPoisson.nextArrivalNs(t);
    return t;
  }),
);
const sinusoid = rateCurve((timeNs) => 1000 * (1 + 0.8 * Math.sin((2 * Math.PI * timeNs) / 1e10)));
const thinned = new ThinnedPoissonProcess(streams.stream('bench-thinned'), sinusoid, 1800);
cases.push(
  measure('poisson-thinned-sinusoid.nextArrivalNs', M, (count) => {
    let t = 0;
    for (let i = 0; i < count; i++) t = thinned.nextArrivalNs(t);
    return t;
  }),
);

const measured = cases.filter((c): c is Case => c !== undefined);
if (process.argv.includes('--json')) {
  process.stdout.write(`${JSON.stringify({ cases: measured })}\n`);
} else {
  const width = Math.max(...measured.map((c) => c.name.length));
  for (const c of measured) {
    const millions = (c.drawsPerWallSecond / 1e6).toFixed(1).padStart(7);
    process.stdout.write(`${c.name.padEnd(width)}  ${millions} M/s  ${c.nsPerDraw.toFixed(1).padStart(6)} ns\n`);
  }
}
