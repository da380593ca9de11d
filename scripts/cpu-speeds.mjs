// How fast each CPU of this machine is right now, at arithmetic and at random memory reads, alone
// and with the other CPUs busy. Why: this project's two vCPUs have differed by a third or more, and
// not evenly: in session 18 their arithmetic was level (1.93 to 2.03 s each) while one of them read
// random memory 40% slower (520 to 600 ms against 730 to 870). A run's memory-bound parts then take
// longer on that vCPU whatever the code does. Run it before a sitting to know which spell it is in:
//
//   node scripts/cpu-speeds.mjs
//
// Linux only (util-linux's taskset); CPUs 0 to n - 1, all allowed to the process. Each run at once
// allocates 256 MB. Not a test and not part of the bench: a probe cited in BENCHMARKS.md.
import { spawnSync, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

const ALU_STEPS = 4e8;
const MEMORY_READS = 3e7;
/** 256 MB of int32s: far past any cache, as a chat server's device table is. */
const MEMORY_INTS = 64 << 20;

function aluMs() {
  let x = 1;
  let y = 2;
  const start = performance.now();
  for (let i = 0; i < ALU_STEPS; i++) {
    x = (x * 1664525 + 1013904223) | 0;
    y ^= x >>> 3;
  }
  const ms = performance.now() - start;
  if (x + y === 0.5) console.log('');
  return ms;
}

function memoryMs() {
  const table = new Int32Array(MEMORY_INTS).fill(1);
  const mask = MEMORY_INTS - 1;
  let sum = 0;
  let j = 12345;
  const start = performance.now();
  for (let i = 0; i < MEMORY_READS; i++) {
    j = (j * 1664525 + 1013904223) & mask;
    sum += table[j];
  }
  const ms = performance.now() - start;
  if (sum === 0.5) console.log('');
  return ms;
}

if (process.argv[2] === '--measure') {
  const ms = process.argv[3] === 'alu' ? aluMs() : memoryMs();
  process.stdout.write(`${ms.toFixed(0)}`);
  process.exit(0);
}

if (spawnSync('taskset', ['--version']).error !== undefined) {
  console.error('cpu-speeds: needs taskset (util-linux) on Linux');
  process.exit(2);
}
const self = fileURLToPath(import.meta.url);
const cpus = availableParallelism();
const run = (cpu, kind) => spawnSync('taskset', ['-c', String(cpu), process.execPath, self, '--measure', kind], { encoding: 'utf8' }).stdout;
const runTogether = (kind) =>
  Promise.all(
    Array.from({ length: cpus }, (_, cpu) => new Promise((resolve) => {
      const child = spawn('taskset', ['-c', String(cpu), process.execPath, self, '--measure', kind]);
      let out = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.on('close', () => resolve(out));
    })),
  );

for (const kind of ['alu', 'memory']) {
  const alone = Array.from({ length: cpus }, (_, cpu) => run(cpu, kind));
  const together = await runTogether(kind);
  console.log(`${kind.padEnd(6)} ms by CPU, alone: ${alone.join(' ')}; all at once: ${together.join(' ')}`);
}
