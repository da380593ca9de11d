// How long the rank permutation and a slice's sender table take, on distinct values as a run meets
// them (a value used again and again would let the CPU learn its branches). Needs dist/ (npm install
// builds it). Bind it to one CPU to keep the other's load out of it:
//
//   taskset -c 1 node scripts/permutation-timing.mjs
//
// Prints ns per value for FeistelPermutation.forward, inverseOfEach and forwardOfRun at global-2025's
// population (3 billion), and the milliseconds a SliceUserSampler of 3.7 million users at skew 1/2
// takes to build (one server's slice of global-2025). Not a test and not part of the bench: a probe
// cited in BENCHMARKS.md (session 17). Each figure is the best of five rounds.
const { FeistelPermutation } = await import(new URL('../dist/model/feistel-permutation.js', import.meta.url));
const { SliceUserSampler } = await import(new URL('../dist/model/slice-users.js', import.meta.url));

const POPULATION = 3e9;
const SLICE_USERS = 3_700_000;
const CHUNK = 4096;
const ROUNDS = 5;

const perm = new FeistelPermutation(POPULATION, 2025);
// A slice's users: about every 805th user id, as hash placement deals them to 805 servers.
const users = Float64Array.from({ length: SLICE_USERS }, (_, i) => Math.floor(i * 805 + ((i * 0.6180339887498949) % 1) * 805));

function best(measure) {
  let min = Infinity;
  for (let round = 0; round < ROUNDS; round++) min = Math.min(min, measure());
  return min;
}

let sink = 0;
const forwardNs = best(() => {
  const start = performance.now();
  for (let i = 0; i < 1_000_000; i++) sink += perm.forward(users[i]);
  return ((performance.now() - start) / 1_000_000) * 1e6;
});
const ys = new Float64Array(CHUNK);
const out = new Float64Array(CHUNK);
const inverseOfEachNs = best(() => {
  let ms = 0;
  for (let first = 0; first < SLICE_USERS; first += CHUNK) {
    const count = Math.min(CHUNK, SLICE_USERS - first);
    ys.set(users.subarray(first, first + count));
    const start = performance.now();
    perm.inverseOfEach(ys, out, count);
    ms += performance.now() - start;
    sink += out[0];
  }
  return (ms / SLICE_USERS) * 1e6;
});
// forwardOfRun is from session 17: older commits (run for comparison) print n/a.
const forwardOfRunNs = typeof perm.forwardOfRun !== 'function' ? Number.NaN : best(() => {
  const start = performance.now();
  // Runs of 16 slots (a typical group) from scattered starts.
  for (let i = 0; i < 62_500; i++) {
    perm.forwardOfRun(users[i * 16], 16, out);
    sink += out[0];
  }
  return ((performance.now() - start) / 1_000_000) * 1e6;
});
const samplerMs = best(() => {
  const start = performance.now();
  const sampler = new SliceUserSampler(users, 0, SLICE_USERS, { ranks: perm, firstUserId: 0, skew: 0.5 });
  sink += sampler.weight;
  return performance.now() - start;
});

console.log(`FeistelPermutation.forward       ${forwardNs.toFixed(1)} ns a value`);
console.log(`FeistelPermutation.inverseOfEach ${inverseOfEachNs.toFixed(1)} ns a value`);
console.log(`FeistelPermutation.forwardOfRun  ${Number.isNaN(forwardOfRunNs) ? 'n/a' : forwardOfRunNs.toFixed(1)} ns a value (runs of 16)`);
console.log(`SliceUserSampler, ${SLICE_USERS} users, skew 1/2: ${samplerMs.toFixed(0)} ms to build`);
if (!Number.isFinite(sink)) console.log('(unreachable: keeps the results alive)');
