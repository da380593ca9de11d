/**
 * V8's helper threads, for worker threads that keep every core busy.
 *
 * By default an isolate optimises hot functions on a background thread (concurrent recompilation)
 * while its own thread keeps running the slower code, and it scavenges the young generation with
 * helper threads (parallel scavenge). Both pay when a core is idle. When a run has at least as many
 * worker threads as the machine has cores (`run --jobs`, which defaults to one per core), no core is
 * idle: each lane's helpers take time from the other lanes, and a lane waits longer for its
 * optimised code. Compiling and scavenging on the lane's own thread instead: global-2025 (8 parts,
 * 2 lanes on 2 cores) was faster in 13 of 16 alternated pairs, by 2 to 5% on average, with about
 * 1 s less system time; a sweep of four quickstart runs on 2 workers about 6% (session 11,
 * BENCHMARKS.md). Used by `run --jobs` (part-threads.ts) and by the pool of `sweep`, `plan` and
 * `whatif` (sweep/pool.ts; it sets them for `--jobs` workers even when there are fewer runs than
 * that; only the sweep was measured).
 *
 * A run on one thread is the other way round (the quickstart took 7.5 to 7.8 s instead of 6.5 to
 * 6.6 s without a background compiler), so the flags are set when the workers are about to start,
 * never at start-up. V8 reads concurrent recompilation when it creates an isolate, so the main
 * thread keeps its background compiler; it reads parallel scavenge at each scavenge, which V8's own
 * tests also change at run time. These two may change under a running heap; a marking or sweeping
 * flag may not (changing `--parallel-marking` aborted V8, session 10).
 */
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';

const FLAGS = ['concurrent-recompilation', 'parallel-scavenge'] as const;

/** Whether `lanes` worker threads leave no core idle, so their isolates should use no helper threads. */
export function lanesFillTheCores(lanes: number, cores = availableParallelism()): boolean {
  return lanes >= cores;
}

/**
 * Makes isolates created from now on compile and scavenge on their own thread, when `lanes` fill the
 * cores; a flag the user set on the command line or in NODE_OPTIONS (either way) wins.
 */
export function keepNewWorkersOnTheirThreads(lanes: number): void {
  if (!lanesFillTheCores(lanes)) return;
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ');
  for (const flag of FLAGS) if (!given.includes(flag)) setFlagsFromString(`--no-${flag}`);
}
