/**
 * `chatscale bench [--json] [--case NAME...] [--quick] [--peer] [--cpu N|none]`: how fast this machine simulates.
 * Runs the cases registered in src/bench/cases.ts (hold model at 10^3, 10^5 and 10^6 pending events,
 * reference-mm1, the routing core alone) and prints a table, or with --json exactly one object
 * `{"cases":[{"name": ..., ...figures}]}`. --peer also runs the SimPy peer beside reference-mm1.
 *
 * This file only parses flags, hands the wall clock, the peer's process runner and the progress sink
 * to runBench (src/bench), and renders the data it returns.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Command } from 'commander';
import { BENCH_CASES, checkTargets, runBench, selectCases, type BenchReport, type FigureValue, type TargetCheck } from '../../bench/cases.js';
import { runPeer, type ExecResult, type PeerExec } from '../../bench/peer.js';
import { BadInputError } from '../errors.js';

/** Everything the command takes from the outside world; tests pass stand-ins. */
export interface BenchIo {
  out(text: string): void;
  err(text: string): void;
  /** Progress lines go to stderr only when it is a terminal. */
  errIsTty: boolean;
  nowMs: () => number;
  /** Starts the peer's process. */
  exec: PeerExec;
  /** Folder holding simpy_classic_ref.py. */
  peersDir: string;
  memoryBytes?: () => number;
  rssBytes?: () => number;
  gc?: () => void;
  /** Binds this process (every thread) and so the peer it starts to one CPU; the reason when it cannot. */
  pinToCpu?: (cpu: number) => string | null;
  /** CPUs the process may run on: with more than one, --peer binds to one unless told not to. */
  cpuCount?: number;
  /** The CPU this process is running on now, or null where that cannot be read. */
  currentCpu?: () => number | null;
}

/**
 * The first line of a text report with the peer, unbound, on a machine of several CPUs (--cpu none,
 * or a default binding that could not be made). Why it matters: on a machine whose CPUs differ in
 * speed (this project's two vCPUs did, by a third, for minutes at a time), ours and the peer's runs
 * land wherever the scheduler puts them, and reference-mm1's ratio read 39.8x and 74.3x within a
 * minute (BENCHMARKS.md, session 17); bound to one CPU, 47.8 to 60.7x.
 */
export const UNBOUND_PEER_NOTE = 'not bound to a CPU: ours and the peer may run on CPUs of different speeds (--cpu N binds both)';

/** --cpu's value: a CPU number, `none`, or not given. */
type CpuRequest = { kind: 'cpu'; cpu: number } | { kind: 'none' } | { kind: 'default' };

/** The SimPy peer at scale 1 takes 10-20 s; allow a slow, loaded machine ten times that. */
const PEER_TIMEOUT_MS = 300_000;

const spawnExec: PeerExec = (program, args): ExecResult => {
  const result = spawnSync(program, [...args], { encoding: 'utf8', timeout: PEER_TIMEOUT_MS, maxBuffer: 1 << 20 });
  const error = result.error as (Error & { code?: string }) | undefined;
  return {
    status: result.status,
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? '',
    ...(error === undefined ? {} : { error: { ...(error.code === undefined ? {} : { code: error.code }), message: error.message } }),
  };
};

/**
 * Binds every thread of this process to one CPU with util-linux's taskset (Node has no call for it);
 * children started afterwards (the peer) inherit the binding. Why: this machine's two vCPUs run at
 * different speeds (BENCHMARKS.md, session 14: a loop 19% slower on one for node, 60% for CPython),
 * so an unbound comparison measured where the scheduler put each process as much as the code.
 */
function pinWithTaskset(cpu: number): string | null {
  if (process.platform !== 'linux') return `binding to a CPU needs Linux (taskset); this is ${process.platform}`;
  const result = spawnSync('taskset', ['--all-tasks', '--pid', '--cpu-list', String(cpu), String(process.pid)], { encoding: 'utf8' });
  const code = (result.error as (Error & { code?: string }) | undefined)?.code;
  if (code === 'ENOENT') return 'taskset (util-linux) is not installed';
  if (result.error !== undefined) return `taskset failed: ${result.error.message}`;
  if (result.status !== 0) return `taskset refused CPU ${cpu}: ${(result.stderr ?? '').trim().split('\n')[0] ?? ''}`.trimEnd();
  return null;
}

/**
 * The CPU this process last ran on, from /proc/self/stat (field 39, "processor"); null where there is
 * no such file. The command name in field 2 may hold spaces and parentheses, so fields are counted
 * from the last ')'.
 */
function cpuFromProcStat(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpu = Number(fields[39 - 3]);
    return Number.isSafeInteger(cpu) && cpu >= 0 ? cpu : null;
  } catch {
    return null;
  }
}

/** ../shared/peers from the repository root, unless CHATSCALE_PEERS_DIR says otherwise. */
function defaultPeersDir(): string {
  const fromEnv = process.env.CHATSCALE_PEERS_DIR;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  // This file is src/cli/commands/bench.ts or dist/cli/commands/bench.js: three levels below the root.
  return fileURLToPath(new URL('../../../../shared/peers/', import.meta.url));
}

/**
 * A way to force a garbage collection, for the memory figures: node's own `gc` when started with
 * --expose-gc, else one obtained by setting the flag now (V8 installs `gc` in contexts made after
 * that). Without it, garbage left by an earlier case made a later case's heap shrink as it was
 * measured: core-group-256 once reported -1.9 bytes per device.
 */
function forcedGc(): (() => void) | undefined {
  const given = (globalThis as { gc?: () => void }).gc;
  if (typeof given === 'function') return given;
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  return typeof gc === 'function' ? (gc as () => void) : undefined;
}

function processIo(): BenchIo {
  const gc = forcedGc();
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    errIsTty: process.stderr.isTTY === true,
    nowMs: () => performance.now(),
    exec: spawnExec,
    peersDir: defaultPeersDir(),
    memoryBytes: () => {
      const usage = process.memoryUsage();
      return usage.heapUsed + usage.arrayBuffers;
    },
    rssBytes: () => process.memoryUsage.rss(),
    ...(typeof gc === 'function' ? { gc } : {}),
    pinToCpu: pinWithTaskset,
    cpuCount: availableParallelism(),
    currentCpu: cpuFromProcStat,
  };
}

interface BenchOptions {
  json?: boolean;
  case?: string[];
  quick?: boolean;
  peer?: boolean;
  cpu?: string;
}

function parseCpu(text: string | undefined): CpuRequest {
  if (text === undefined) return { kind: 'default' };
  if (text.trim() === 'none') return { kind: 'none' };
  const cpu = Number(text);
  if (!(Number.isSafeInteger(cpu) && cpu >= 0 && /^\d+$/.test(text.trim()))) {
    throw new BadInputError([{ field: '--cpu', reason: `expected a CPU number (0, 1, ...) or none, got "${text}"` }]);
  }
  return { kind: 'cpu', cpu };
}

/**
 * Binds the run as --cpu asks; returns the CPU bound to, or null. A CPU given and refused is bad
 * input. Without --cpu, a run that compares with the peer (`peerRuns`: --peer and a case that has
 * one) on a machine of several CPUs binds to the CPU it is on (why: UNBOUND_PEER_NOTE). Where that
 * cannot be read or made it runs unbound, and says why on stderr (the JSON on stdout stays one object).
 */
function bindAsAsked(request: CpuRequest, peerRuns: boolean, env: BenchIo): number | null {
  if (request.kind === 'none') return null;
  if (request.kind === 'cpu') {
    const refused = env.pinToCpu === undefined ? 'binding to a CPU is not available here' : env.pinToCpu(request.cpu);
    if (refused !== null) throw new BadInputError([{ field: '--cpu', reason: refused }]);
    return request.cpu;
  }
  if (!peerRuns || (env.cpuCount ?? 1) <= 1) return null;
  const here = env.currentCpu?.() ?? null;
  const refused =
    env.pinToCpu === undefined ? 'binding to a CPU is not available here' : here === null ? 'cannot tell which CPU this process is on' : env.pinToCpu(here);
  if (refused === null) return here;
  env.err(`bench: not bound to a CPU (${refused}); ours and the peer's runs may land on CPUs of different speeds\n`);
  return null;
}

/** The text report's first line: how the run was bound, when that matters. */
function bindingLine(request: CpuRequest, cpu: number | null, peerRuns: boolean, cpuCount: number): string {
  if (cpu !== null) return request.kind === 'cpu' ? `bound to CPU ${cpu}, the peer too\n` : `bound to CPU ${cpu} (the one it started on), the peer too; --cpu none runs unbound\n`;
  return peerRuns && cpuCount > 1 ? `${UNBOUND_PEER_NOTE}\n` : '';
}

function withSeparators(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Rates as whole numbers with separators, ratios with an x, other numbers to 4 significant digits. */
export function formatFigure(key: string, value: FigureValue): string {
  if (value === null) return '-';
  if (typeof value !== 'number') return String(value);
  if (Number.isNaN(value)) return '-';
  if (!Number.isFinite(value)) return String(value);
  if (key === 'speedupVsPeer' || key.endsWith('SpeedupVsPeer')) return `${value.toFixed(1)}x`;
  if (key.endsWith('PerWallSecond') || (Number.isInteger(value) && Math.abs(value) >= 1000)) return withSeparators(value);
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

function alignRows(rows: readonly (readonly string[])[], rightAligned: number): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === rightAligned ? cell.padStart(widths[i]!) : i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** One row per figure, the case name on its first row; then the targets of DESIGN.md section 10. */
export function renderBenchText(report: BenchReport, targets: readonly TargetCheck[]): string {
  const rows: string[][] = [['case', 'figure', 'value']];
  for (const benchCase of report.cases) {
    let first = true;
    for (const [key, value] of Object.entries(benchCase)) {
      if (key === 'name') continue;
      rows.push([first ? benchCase.name : '', key, formatFigure(key, value)]);
      first = false;
    }
  }
  const lines = [alignRows(rows, 2), ''];
  for (const target of targets) {
    const verdict = target.met === null ? 'not measured in this run' : target.met ? 'met' : 'NOT met';
    const value = target.value === null ? '' : ` (${formatFigure(target.figure, target.value)})`;
    lines.push(`target ${target.label}: ${verdict}${value}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Registers `bench` on the program. `io` defaults to the real process, clock and child processes. */
export function registerBench(program: Command, io?: BenchIo): void {
  program
    .command('bench')
    .description('how fast this machine simulates: kernel events per wall second, reference workloads, the routing core')
    .option('--json', 'print only one JSON object {"cases":[{"name": ..., ...figures}]}')
    .option('--case <names...>', `run only these cases (default: all): ${BENCH_CASES.map((c) => c.name).join(', ')}`)
    .option('--quick', 'small sizes for a CI smoke test (seconds; figures only indicative)')
    .option('--peer', 'also run the SimPy peer (../shared/peers) beside reference-mm1 and report the speed ratio')
    .option('--cpu <n|none>', 'run on this CPU only, the peer too (Linux, taskset): a like-for-like ratio on a machine whose CPUs differ in speed (default with --peer: the CPU it starts on; none: unbound)')
    .action((options: BenchOptions) => {
      const { cases, unknown } = selectCases(options.case);
      if (unknown.length > 0) {
        const known = BENCH_CASES.map((c) => c.name).join(', ');
        throw new BadInputError(unknown.map((name) => ({ field: '--case', reason: `unknown case "${name}" (known: ${known})` })));
      }
      const request = parseCpu(options.cpu);
      const peer = options.peer === true;
      const peerRuns = peer && cases.some((c) => c.peer !== undefined);
      const env = io ?? processIo();
      const cpu = bindAsAsked(request, peerRuns, env);
      const quick = options.quick === true;
      const report = runBench({
        cases,
        quick,
        nowMs: env.nowMs,
        ...(env.errIsTty ? { progress: (line: string) => env.err(`${line}\n`) } : {}),
        ...(env.memoryBytes === undefined ? {} : { memoryBytes: env.memoryBytes }),
        ...(env.gc === undefined ? {} : { gc: env.gc }),
        ...(env.rssBytes === undefined ? {} : { rssBytes: env.rssBytes }),
        ...(peer ? { runPeer: (model, scale) => runPeer(model, scale, { exec: env.exec, peersDir: env.peersDir }) } : {}),
      });
      if (options.json === true) env.out(`${JSON.stringify(cpu === null ? report : { ...report, cpu })}\n`);
      else env.out(`${bindingLine(request, cpu, peerRuns, env.cpuCount ?? 1)}${renderBenchText(report, checkTargets(report))}`);
    });
}
