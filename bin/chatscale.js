#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm install` (the prepare script).
//
// Huge pages. The routing core keeps a million device records per server in one 128 MB typed
// array, and every message lands on two random records of it: with 4 KiB pages each of those is a
// TLB miss (a nested page walk under a hypervisor). glibc (2.35 and later) backs large allocations
// with transparent huge pages when the tunable glibc.malloc.hugetlb=1 is set at process start
// (kernels with THP in "madvise" mode, the usual default, give them to no one else), which is worth
// about 20% on `chatscale bench --case core-1to1` (BENCHMARKS.md, core sitting, session 3). A
// running process cannot set it for itself, so the launcher starts the CLI in a child node with the
// tunable added (the same node, flags and arguments; one more node start-up, about 0.1 s).
// It does not use the shebang for this (`#!/usr/bin/env -S GLIBC_TUNABLES=... node`): BusyBox's
// env (Alpine) and coreutils before 8.30 have no -S, and the shebang would fail there; nor would it
// help `node bin/chatscale.js`, which does not read the shebang.
//
// The young generation. A run keeps every message in flight (its frames and envelopes) alive for
// tens of simulated milliseconds, which is thousands of events: V8's default 16 MB semi-space fills
// in a few milliseconds of wall time, and each scavenge copies the in-flight objects again. At 64
// MB there are a third as many scavenges for the same copying each: reference-chat spends 0.44
// instead of 0.91 s of every 10 in them, about 7% less CPU, for about 100 MB more RSS (session 4).
// The child gets --max-semi-space-size=64 unless the command line or NODE_OPTIONS sets it; V8 reads
// it only at start-up, which is one more reason for the child.
// Setting glibc.malloc.hugetlb yourself (e.g. GLIBC_TUNABLES=glibc.malloc.hugetlb=0) turns this off;
// without glibc 2.35 or later (musl, macOS, Windows) nothing changes.
//
// A fixed mmap threshold, 2 MiB. glibc serves an allocation from a fresh mapping (which the tunable
// above backs with huge pages) only above its mmap threshold, and it raises that threshold, up to
// 32 MiB, each time such a mapping is freed. In the main thread that does no harm (its arena grows
// by sbrk, which the tunable also covers); but a worker thread's arena is made of mappings that it
// does not cover. A slice's parts run on worker threads one after another, so from a worker's
// second part on, its tables below 32 MiB lost their huge pages. Setting the threshold stops the
// raising: global-2025 took 56.4 and 55.8 s against 58.5 and 56.7 s, interleaved (session 10).
// Setting glibc.malloc.mmap_threshold yourself wins.
//
// No trimming, and a 64 MiB pad. glibc gives freed memory back to the kernel whenever more than
// its trim threshold (128 KiB) is free at the top of a heap (MADV_DONTNEED in a worker's arena),
// and grows a heap by what is asked plus its top pad (128 KiB). A run allocates and frees in waves
// (a part's tables and its compiler's zones, then the next part's), and each page given back is
// faulted in again, zeroed, at its next use: at 10 to 16 us a fault under this machine's hypervisor.
// With trim_threshold at 2 GiB and top_pad at 64 MiB, global-2025 took 963,673 and 1,011,923
// faults, 74.4 and 82.4 s, before, and 578,036 and 581,296 faults, 68.5 and 75.2 s, after,
// interleaved (session 14; peak RSS level, 1.9 to 2.0 GB). What a process frees stays in it for
// its next allocation: RSS stays near its peak, which is what the memory guard budgets anyway.
// Setting either tunable yourself wins (in GLIBC_TUNABLES, or as MALLOC_TRIM_THRESHOLD_ or
// MALLOC_TOP_PAD_, which GLIBC_TUNABLES would otherwise override; MALLOC_MMAP_THRESHOLD_ likewise).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HUGE_PAGES_TUNABLE = 'glibc.malloc.hugetlb=1';
/**
 * Tunables the launcher adds beside the huge pages, each unless the environment already sets it,
 * in GLIBC_TUNABLES or by glibc's older variable for it (which GLIBC_TUNABLES would override).
 */
const MALLOC_TUNABLES = [
  { tunable: 'glibc.malloc.mmap_threshold=2097152', variable: 'MALLOC_MMAP_THRESHOLD_' },
  { tunable: 'glibc.malloc.trim_threshold=2147483648', variable: 'MALLOC_TRIM_THRESHOLD_' },
  { tunable: 'glibc.malloc.top_pad=67108864', variable: 'MALLOC_TOP_PAD_' },
];
const SEMI_SPACE_FLAG = '--max-semi-space-size=64';
const tunables = process.env.GLIBC_TUNABLES ?? '';

/** True under glibc 2.35 or later, the first with the tunable (the report takes about 5 ms). */
function glibcHasHugePagesTunable() {
  const version = process.report.getReport().header.glibcVersionRuntime;
  if (typeof version !== 'string') return false;
  const [major, minor] = version.split('.').map(Number);
  return major > 2 || (major === 2 && minor >= 35);
}

if (process.platform === 'linux' && !tunables.includes('glibc.malloc.hugetlb') && glibcHasHugePagesTunable()) {
  const userSets = ({ tunable, variable }) => tunables.includes(tunable.split('=')[0]) || process.env[variable] !== undefined;
  const added = [HUGE_PAGES_TUNABLE, ...MALLOC_TUNABLES.filter((entry) => !userSets(entry)).map((entry) => entry.tunable)];
  const env = { ...process.env, GLIBC_TUNABLES: [...(tunables === '' ? [] : [tunables]), ...added].join(':') };
  const semiSpaceGiven = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((arg) => arg.includes('semi-space-size'));
  const v8Flags = semiSpaceGiven ? [] : [SEMI_SPACE_FLAG];
  const child = spawn(process.execPath, [...process.execArgv, ...v8Flags, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit', env });
  // The child shares the terminal, so Ctrl-C reaches it directly; a signal sent to this process
  // alone (a job runner's SIGTERM) is passed on, and this process ends the way the child did.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal !== null) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else {
      process.exitCode = code ?? 1;
    }
  });
  child.on('error', (error) => {
    process.stderr.write(`error: could not start ${process.execPath}: ${error.message}\n`);
    process.exitCode = 3;
  });
} else {
  import('../dist/cli/main.js').catch((error) => {
    if (error && error.code === 'ERR_MODULE_NOT_FOUND') {
      process.stderr.write('error: chatscale is not built; run `npm install` (or `npm run build`) first\n');
      process.exit(3);
    }
    throw error;
  });
}
