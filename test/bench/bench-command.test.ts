/**
 * `chatscale bench` in-process, with a fake wall clock and a stand-in peer process: JSON is exactly
 * one object on stdout, progress goes to stderr only on a terminal, unknown cases are bad input.
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { ExecResult } from '../../src/bench/peer.js';
import { formatFigure, registerBench, UNBOUND_PEER_NOTE, type BenchIo } from '../../src/cli/commands/bench.js';
import { BadInputError } from '../../src/cli/errors.js';

function harness(options: { tty?: boolean; peer?: ExecResult; pinRefusal?: string; cpuCount?: number; currentCpu?: number | null } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const execCalls: string[][] = [];
  const pinned: number[] = [];
  let nowMs = 0;
  const io: BenchIo = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    errIsTty: options.tty ?? false,
    nowMs: () => ++nowMs,
    exec: (program, args) => {
      execCalls.push([program, ...args]);
      return options.peer ?? { status: null, stdout: '', stderr: '', error: { code: 'ENOENT', message: 'spawn ENOENT' } };
    },
    peersDir: '/peers',
    ...(options.cpuCount === undefined ? {} : { cpuCount: options.cpuCount }),
    ...(options.currentCpu === undefined ? {} : { currentCpu: () => options.currentCpu ?? null }),
    pinToCpu: (cpu) => {
      pinned.push(cpu);
      return options.pinRefusal ?? null;
    },
  };
  const program = new Command().exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  registerBench(program, io);
  const run = (...args: string[]) => program.parse(['bench', ...args], { from: 'user' });
  return { run, out, err, execCalls, pinned };
}

describe('chatscale bench', () => {
  it('--json prints exactly one object {"cases": [...]} and nothing on stderr when it is not a terminal', () => {
    const h = harness();
    h.run('--json', '--quick', '--case', 'hold-1e3');
    expect(h.out.length).toBe(1);
    const report = JSON.parse(h.out[0]!) as { cases: Array<Record<string, unknown>> };
    expect(Object.keys(report)).toEqual(['cases']);
    // 200,000 quick holds over the fake clock's 1 ms.
    expect(report.cases).toEqual([
      {
        name: 'hold-1e3',
        pending: 1000,
        holds: 200_000,
        eventsPerWallSecond: 200_000_000,
        wallSeconds: 0.001,
        heapEventsPerWallSecond: 200_000_000,
        heapWallSeconds: 0.001,
      },
    ]);
    expect(h.err).toEqual([]);
  });

  it('writes progress lines to stderr on a terminal, keeping stdout pure JSON', () => {
    const h = harness({ tty: true });
    h.run('--json', '--quick', '--case', 'reference-mm1');
    expect(h.err).toEqual([
      'reference-mm1: 20000 customers untimed (warm-up)\n',
      'reference-mm1: 50000 customers, bucket ladder (1 of 2)\n', 'reference-mm1: 50000 customers, binary heap (1 of 2)\n',
      'reference-mm1: 50000 customers, bucket ladder (2 of 2)\n', 'reference-mm1: 50000 customers, binary heap (2 of 2)\n']);
    const report = JSON.parse(h.out.join('')) as { cases: Array<Record<string, number>> };
    expect(report.cases[0]!.name).toBe('reference-mm1');
    expect(report.cases[0]!.customers).toBe(50_000);
    // The figure is the median of the timed runs, so it lies within their range.
    const mm1 = report.cases[0]!;
    expect(mm1.timedRuns).toBe(2);
    expect(mm1.customersPerWallSecond).toBeGreaterThanOrEqual(mm1.minCustomersPerWallSecond!);
    expect(mm1.customersPerWallSecond).toBeLessThanOrEqual(mm1.maxCustomersPerWallSecond!);
    expect(report.cases[0]!.drops).toBe(0);
  });

  it('--peer runs the SimPy peer beside reference-mm1 and adds its speed and the ratio', () => {
    const line = '{"model": "mm1", "peer": "simpy-classic-2.3", "n": 50000, "wall_s": 0.5, "per_s": 100000, "mean": 10.1, "p50": 7, "p99": 46}';
    const h = harness({ peer: { status: 0, stdout: `${line}\n`, stderr: '' } });
    h.run('--json', '--quick', '--peer', '--case', 'reference-mm1', 'hold-1e3');
    // One peer run after each of the two timed rounds (--quick), not one after the case.
    expect(h.execCalls).toEqual([
      ['/usr/bin/python3', '/peers/simpy_classic_ref.py', 'mm1', '0.025'],
      ['/usr/bin/python3', '/peers/simpy_classic_ref.py', 'mm1', '0.025'],
    ]);
    const report = JSON.parse(h.out.join('')) as { cases: Array<Record<string, unknown>> };
    expect(report.cases.map((c) => c.name)).toEqual(['hold-1e3', 'reference-mm1']);
    const mm1 = report.cases[1]!;
    // 50,000 customers in the fake 1 ms against the peer's 100,000 per second.
    expect(mm1.customersPerWallSecond).toBe(50_000_000);
    expect(mm1.heapCustomersPerWallSecond).toBe(50_000_000);
    expect(mm1.peerCustomersPerWallSecond).toBe(100_000);
    expect(mm1.speedupVsPeer).toBe(500);
    expect(mm1.minSpeedupVsPeer).toBe(500);
    expect(mm1.maxSpeedupVsPeer).toBe(500);
    expect(mm1.peerRuns).toBe(2);
    expect(mm1.peerCompleted).toBe(100_000);
    expect(mm1.peerMeanSeconds).toBe(10.1);
    expect(report.cases[0]!.speedupVsPeer).toBeUndefined();
  });

  it('--peer without python reports why, and the run still succeeds', () => {
    const h = harness();
    h.run('--json', '--quick', '--peer', '--case', 'reference-mm1');
    const mm1 = (JSON.parse(h.out.join('')) as { cases: Array<Record<string, unknown>> }).cases[0]!;
    expect(mm1.speedupVsPeer).toBeNull();
    expect(mm1.peerUnavailable).toMatch(/python3 not found/);
    // A peer that cannot run is not tried again at every round.
    expect(h.execCalls).toHaveLength(1);
  });

  it('prints an aligned table with the targets when not --json', () => {
    const h = harness();
    h.run('--quick', '--case', 'hold-1e3');
    const text = h.out.join('');
    expect(text).toBe(
      [
        'case      figure                         value',
        'hold-1e3  pending                        1,000',
        '          holds                        200,000',
        '          eventsPerWallSecond      200,000,000',
        '          wallSeconds                    0.001',
        '          heapEventsPerWallSecond  200,000,000',
        '          heapWallSeconds                0.001',
        '',
        'target hold-1e6 >= 10 M events per wall second: not measured in this run',
        'target reference-mm1 >= 50x SimPy: not measured in this run',
        'target reference-chat >= 1 M delivered messages per wall second: not measured in this run',
        'target reference-chat >= 30x SimPy: not measured in this run',
        '',
      ].join('\n'),
    );
  });

  it('refuses unknown case names as bad input, naming every one and the known cases', () => {
    const h = harness();
    let error: unknown;
    try {
      h.run('--case', 'hold-1e4', 'hold-1e3', 'mm1');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BadInputError);
    const problems = (error as BadInputError).problems;
    expect(problems.map((p) => p.reason.split(' (')[0])).toEqual(['unknown case "hold-1e4"', 'unknown case "mm1"']);
    expect(problems[0]!.reason).toContain('known: hold-1e3, hold-1e5, hold-1e6, reference-mm1');
    expect(h.out).toEqual([]);
  });

  it('--cpu binds the run (and so the peer it starts) to that CPU before any case, and says so', () => {
    const h = harness();
    h.run('--json', '--quick', '--case', 'hold-1e3', '--cpu', '1');
    expect(h.pinned).toEqual([1]);
    const report = JSON.parse(h.out[0]!) as { cases: unknown[]; cpu: number };
    expect(Object.keys(report)).toEqual(['cases', 'cpu']);
    expect(report.cpu).toBe(1);
    const text = harness();
    text.run('--quick', '--case', 'hold-1e3', '--cpu', '0');
    expect(text.out[0]!.split('\n')[0]).toBe('bound to CPU 0, the peer too');
  });

  // reference-mm1 is a case with a peer (here a stand-in that is not installed); hold-1e3 has none.
  const MM1 = ['--quick', '--case', 'reference-mm1'];

  it('says when a ratio to the peer comes from runs on whichever CPUs the scheduler gave, and only then', () => {
    const firstLine = (args: string[], cpuCount: number) => {
      const h = harness({ cpuCount });
      h.run(...args);
      return h.out[0]!.split('\n')[0];
    };
    expect(firstLine([...MM1, '--peer'], 2)).toBe(UNBOUND_PEER_NOTE); // the harness cannot tell its CPU
    expect(firstLine([...MM1, '--peer', '--cpu', 'none'], 2)).toBe(UNBOUND_PEER_NOTE);
    expect(firstLine([...MM1, '--peer', '--cpu', '1'], 2)).toBe('bound to CPU 1, the peer too');
    expect(firstLine([...MM1, '--peer'], 1)).not.toBe(UNBOUND_PEER_NOTE);
    expect(firstLine([...MM1], 2)).not.toBe(UNBOUND_PEER_NOTE);
    // --peer with no case that has a peer compares nothing.
    expect(firstLine(['--quick', '--case', 'hold-1e3', '--peer'], 2)).not.toBe(UNBOUND_PEER_NOTE);
    // --json stays one object.
    const json = harness({ cpuCount: 2 });
    json.run('--json', ...MM1, '--peer');
    expect(Object.keys(JSON.parse(json.out[0]!) as object)).toEqual(['cases']);
  });

  it('with --peer and no --cpu, binds to the CPU it is on (one of several), the peer too; --cpu none does not', () => {
    const h = harness({ cpuCount: 2, currentCpu: 1 });
    h.run(...MM1, '--peer');
    expect(h.pinned).toEqual([1]);
    expect(h.out[0]!.split('\n')[0]).toBe('bound to CPU 1 (the one it started on), the peer too; --cpu none runs unbound');
    expect(h.err).toEqual([]);
    const json = harness({ cpuCount: 2, currentCpu: 0 });
    json.run('--json', ...MM1, '--peer');
    expect(json.pinned).toEqual([0]);
    expect(JSON.parse(json.out[0]!) as object).toMatchObject({ cpu: 0 });
    const none = harness({ cpuCount: 2, currentCpu: 1 });
    none.run('--json', ...MM1, '--peer', '--cpu', 'none');
    expect(none.pinned).toEqual([]);
    expect(Object.keys(JSON.parse(none.out[0]!) as object)).toEqual(['cases']);
    // Nothing to bind for: no peer, one CPU, or no case with a peer.
    for (const [args, cpuCount] of [[MM1, 2], [[...MM1, '--peer'], 1], [['--quick', '--case', 'hold-1e3', '--peer'], 2]] as const) {
      const unbound = harness({ cpuCount, currentCpu: 1 });
      unbound.run(...args);
      expect(unbound.pinned).toEqual([]);
    }
  });

  it('runs unbound when the default binding cannot be made, and says why on stderr; that is not bad input', () => {
    const h = harness({ cpuCount: 2, currentCpu: 1, pinRefusal: 'taskset (util-linux) is not installed' });
    h.run(...MM1, '--peer');
    expect(h.pinned).toEqual([1]);
    expect(h.out[0]!.split('\n')[0]).toBe(UNBOUND_PEER_NOTE);
    expect(h.err).toEqual([
      "bench: not bound to a CPU (taskset (util-linux) is not installed); ours and the peer's runs may land on CPUs of different speeds\n",
    ]);
    const json = harness({ cpuCount: 2, currentCpu: null });
    json.run('--json', ...MM1, '--peer');
    expect(json.pinned).toEqual([]);
    expect(Object.keys(JSON.parse(json.out[0]!) as object)).toEqual(['cases']);
    expect(json.err).toEqual(["bench: not bound to a CPU (cannot tell which CPU this process is on); ours and the peer's runs may land on CPUs of different speeds\n"]);
  });

  it.each([
    [['--cpu', 'x'], 'expected a CPU number (0, 1, ...) or none, got "x"', []],
    [['--cpu', '-1'], 'expected a CPU number (0, 1, ...) or none, got "-1"', []],
    [['--cpu', '1.5'], 'expected a CPU number (0, 1, ...) or none, got "1.5"', []],
    [['--cpu', '9'], 'taskset refused CPU 9: Invalid argument', [9]],
  ])('refuses %j as bad input, one line at --cpu, running nothing', (args, reason, pinned) => {
    const h = harness({ pinRefusal: 'taskset refused CPU 9: Invalid argument' });
    let error: unknown;
    try {
      h.run('--quick', '--case', 'hold-1e3', ...args);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as BadInputError).problems).toEqual([{ field: '--cpu', reason }]);
    expect(h.pinned).toEqual(pinned);
    expect(h.out).toEqual([]);
  });

  it('formats rates with separators, ratios with x, and missing figures as -', () => {
    expect(formatFigure('eventsPerWallSecond', 12_345_678.9)).toBe('12,345,679');
    expect(formatFigure('speedupVsPeer', 61.234)).toBe('61.2x');
    expect(formatFigure('meanSeconds', 10.123456)).toBe('10.12');
    expect(formatFigure('peerCustomersPerWallSecond', null)).toBe('-');
    expect(formatFigure('bytesPerConnectedDevice', Number.NaN)).toBe('-');
    expect(formatFigure('peer', 'simpy-classic-2.3')).toBe('simpy-classic-2.3');
  });
});
