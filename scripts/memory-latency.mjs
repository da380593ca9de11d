// How long a random load takes on this machine, by working-set size: independent loads (the CPU
// overlaps their misses) and a dependent chain (each load's address comes from the one before, as
// in a simulation's look-up of a device, then its record, then its connection). Run it with the
// same huge-page tunable the launcher sets (bin/chatscale.js) to see what the model's big arrays get:
//
//   GLIBC_TUNABLES=glibc.malloc.hugetlb=1 node scripts/memory-latency.mjs
//   node scripts/memory-latency.mjs            # without transparent huge pages
//
// Not a test and not part of the bench: a probe of the machine, cited in BENCHMARKS.md (session 8).
const LOADS = 2_000_000;
const SIZES_MB = [8, 64, 512, 2048];

for (const mb of SIZES_MB) {
  const n = (mb * 1024 * 1024) / 4;
  const values = new Int32Array(n);
  // Random contents, written in order (fast, and every page touched before timing).
  let x = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    values[i] = x;
  }
  const at = new Int32Array(LOADS);
  for (let i = 0; i < LOADS; i++) at[i] = Math.floor(Math.random() * n);

  let sum = 0;
  let start = performance.now();
  for (let i = 0; i < LOADS; i++) sum += values[at[i]];
  const independentNs = ((performance.now() - start) / LOADS) * 1e6;

  // Each index comes from the loaded value (mixed with the step, so that the walk does not fall into
  // a short cycle, as iterating a fixed random function does after about sqrt(n) steps), scaled
  // onto the array: no two loads can overlap.
  let index = 0;
  start = performance.now();
  for (let i = 0; i < LOADS; i++) index = ((Math.imul(values[index] ^ i, 0x9e3779b1) >>> 0) * n * 2.3283064365386963e-10) | 0;
  const dependentNs = ((performance.now() - start) / LOADS) * 1e6;
  sum += index;

  console.log(`${String(mb).padStart(5)} MB: independent ${independentNs.toFixed(1).padStart(6)} ns a load, dependent ${dependentNs.toFixed(1).padStart(6)} ns a load${sum === 0.5 ? ' ' : ''}`);
}
