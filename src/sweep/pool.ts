/**
 * Runs scenarios on worker threads (node:worker_threads), one run per worker at a time.
 *
 * Workers need compiled JavaScript: the CLI runs from dist/, where `run-worker.js` sits beside this
 * file. Under vitest (TypeScript sources) there is no such file, so the pool falls back to running
 * in this thread, one run at a time; tests that want real threads pass dist's worker URL. The
 * results are the same either way: a run depends only on its scenario and seed.
 *
 * In-process runs are separated by a macrotask (setImmediate), so the caller's continuation
 * (appending a line, updating progress, noticing Ctrl-C) happens between runs.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { runScenario, type RunOptions } from '../engine/run-scenario.js';
import type { RunResult } from '../metrics/run-result.js';
import type { ResolvedScenario } from '../scenario/resolved.js';
import { ClockRangeError } from '../sim/time.js';
import { keepNewWorkersOnTheirThreads } from '../engine/worker-threads-flags.js';

export interface RunPool {
  run(scenario: ResolvedScenario): Promise<RunResult>;
  /** Ends the workers; runs still in flight reject. */
  close(): Promise<void>;
  readonly mode: 'threads' | 'in-process';
  readonly jobs: number;
}

export interface PoolOptions {
  /** Runs at once (threads); in-process always runs one at a time. */
  jobs: number;
  /** The compiled worker entry; null (or a missing file) runs in this thread. */
  workerUrl?: URL | null;
  /** Wall clock and memory probe for `meta` of in-process runs (workers measure their own). */
  measure?: Pick<RunOptions, 'wallClockMs' | 'rssBytes'>;
}

/** Messages between the pool and a worker. */
export interface WorkerTask {
  id: number;
  scenario: ResolvedScenario;
}
export type WorkerReply =
  | { id: number; ok: true; result: RunResult }
  // clockRange: the run failed with a ClockRangeError (the scenario's fault), rebuilt on this side.
  | { id: number; ok: false; error: string; clockRange?: { what: string; atNs: number } };

/** `run-worker.js` beside this module when it exists (in dist/), else null. */
export function defaultWorkerUrl(): URL | null {
  const url = new URL('./run-worker.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : null;
}

export function createRunPool(options: PoolOptions): RunPool {
  const workerUrl = options.workerUrl === undefined ? defaultWorkerUrl() : options.workerUrl;
  if (workerUrl === null || !existsSync(fileURLToPath(workerUrl))) return inProcessPool(options.measure);
  const jobs = Math.max(1, Math.floor(options.jobs));
  keepNewWorkersOnTheirThreads(jobs);
  return threadPool(workerUrl, jobs);
}

function inProcessPool(measure: PoolOptions['measure']): RunPool {
  let tail: Promise<unknown> = Promise.resolve();
  let closed = false;
  return {
    mode: 'in-process',
    jobs: 1,
    run(scenario) {
      const next = tail.then(
        () =>
          new Promise<RunResult>((resolve, reject) => {
            setImmediate(() => {
              if (closed) {
                reject(new Error('the run pool was closed'));
                return;
              }
              try {
                resolve(runScenario(scenario, { ...measure }));
              } catch (error) {
                reject(error);
              }
            });
          }),
      );
      tail = next.catch(() => undefined);
      return next;
    },
    async close() {
      closed = true;
    },
  };
}

/** Runs waiting for a worker; callers keep about `jobs` in flight, this bounds a caller that does not. */
export const QUEUED_RUNS_MAX = 100_000;

interface Pending {
  task: WorkerTask;
  resolve(result: RunResult): void;
  reject(error: Error): void;
}

function threadPool(workerUrl: URL, jobs: number): RunPool {
  const queue: Pending[] = [];
  const idle: Worker[] = [];
  const busy = new Map<Worker, Pending>();
  let workers = 0;
  let nextId = 0;
  let closed = false;

  const spawn = (): Worker => {
    const worker = new Worker(workerUrl);
    workers += 1;
    worker.on('message', (reply: WorkerReply) => {
      const pending = busy.get(worker);
      busy.delete(worker);
      if (pending !== undefined) {
        if (reply.ok) pending.resolve(reply.result);
        else if (reply.clockRange !== undefined) pending.reject(new ClockRangeError(reply.clockRange.what, reply.clockRange.atNs));
        else pending.reject(new Error(reply.error));
      }
      idle.push(worker);
      dispatch();
    });
    const fail = (error: Error) => {
      const pending = busy.get(worker);
      busy.delete(worker);
      const at = idle.indexOf(worker);
      if (at >= 0) idle.splice(at, 1);
      workers -= 1;
      pending?.reject(error);
      if (!closed) dispatch();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (busy.has(worker)) fail(new Error(`a sweep worker exited with code ${code} during a run`));
      else if (!closed) {
        const at = idle.indexOf(worker);
        if (at >= 0) {
          idle.splice(at, 1);
          workers -= 1;
        }
      }
    });
    return worker;
  };

  const dispatch = () => {
    while (queue.length > 0 && !closed) {
      let worker = idle.pop();
      if (worker === undefined) {
        if (workers >= jobs) return;
        worker = spawn();
      }
      const pending = queue.shift()!;
      busy.set(worker, pending);
      worker.postMessage(pending.task);
    }
  };

  return {
    mode: 'threads',
    jobs,
    run(scenario) {
      if (closed) return Promise.reject(new Error('the run pool was closed'));
      if (queue.length >= QUEUED_RUNS_MAX) return Promise.reject(new Error(`more than ${QUEUED_RUNS_MAX} runs queued in the pool`));
      return new Promise<RunResult>((resolve, reject) => {
        queue.push({ task: { id: nextId++, scenario }, resolve, reject });
        dispatch();
      });
    },
    async close() {
      closed = true;
      for (const pending of queue.splice(0)) pending.reject(new Error('the run pool was closed'));
      const all = [...idle, ...busy.keys()];
      idle.length = 0;
      for (const [, pending] of busy) pending.reject(new Error('the run pool was closed'));
      busy.clear();
      await Promise.all(all.map((worker) => worker.terminate()));
    },
  };
}
