/**
 * The sweep and merge commands on real (tiny) simulations: one unsharded sweep, three shards
 * merged, a resumed sweep, and worker threads (from dist/, when built) all give the same bytes.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerMerge } from '../../src/cli/commands/merge.js';
import { registerSweep } from '../../src/cli/commands/sweep.js';
import { runCli } from '../planning/cli-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'chatscale-sweep-'));
const out = (name: string) => join(dir, name);
/** 2 x 2 points x 2 repeats = 8 runs of 0.3 simulated seconds at 4,000 messages/s. */
const SWEEP = [
  'sweep', 'reference-chat',
  '--set', 'regions.main.users=2000', '--set', 'workload.messagesPerSecond=4000/s', '--set', 'chatServers.perRegion=2', '--set', 'duration=0.3s',
  '--vary', 'chatServers.cores=1..2', '--vary', 'costs.route=exp(100us),exp(200us)', '--repeat', '2',
];

const inProcess = (program: Parameters<typeof registerSweep>[0], io: Parameters<typeof registerSweep>[1]) => registerSweep(program, io, { workerUrl: null });

describe('chatscale sweep and merge (simulated)', () => {
  it('merged shards equal one unsharded sweep byte for byte; a resumed sweep too', async () => {
    const single = await runCli(inProcess, [...SWEEP, '--jobs', '1', '--out', out('all.jsonl')]);
    expect(single.err).toBe('');
    expect(single.code).toBe(0);
    expect(single.out).toMatch(/^sweep [0-9a-f]{16}: reference-chat, 4 points x 2 repeats = 8 runs\n  0 already in .*all\.jsonl, ran 8 on this thread/);
    expect(single.out).toContain('chatServers.cores  costs.route  runs  out msg/s  mean ms  p99 ms (mean)');
    const all = readFileSync(out('all.jsonl'), 'utf8');
    const lines = all.trim().split('\n').map((l) => JSON.parse(l) as { index: number; point: Record<string, unknown>; seed: number; result: { seed: number; meta?: unknown } });
    expect(lines.map((l) => [l.index, l.point['chatServers.cores'], l.point['costs.route'], l.seed])).toEqual([
      [0, 1, 'exp(100us)', 1], [1, 1, 'exp(100us)', 2], [2, 1, 'exp(200us)', 1], [3, 1, 'exp(200us)', 2],
      [4, 2, 'exp(100us)', 1], [5, 2, 'exp(100us)', 2], [6, 2, 'exp(200us)', 1], [7, 2, 'exp(200us)', 2],
    ]);
    expect(lines.every((l) => l.result.seed === l.seed && l.result.meta === undefined)).toBe(true);

    for (const i of [0, 1, 2]) {
      const shard = await runCli(inProcess, [...SWEEP, '--jobs', '1', '--shard', `${i}/3`, '--out', out(`shard${i}.jsonl`)]);
      expect(shard.code).toBe(0);
    }
    const merged = await runCli(registerMerge, ['merge', out('shard2.jsonl'), out('shard0.jsonl'), out('shard1.jsonl'), '--out', out('merged.jsonl')]);
    expect(merged.code).toBe(0);
    expect(merged.out).toMatch(/^merge: sweep [0-9a-f]{16}, 8 runs from 3 files\n/);
    expect(readFileSync(out('merged.jsonl'), 'utf8')).toBe(all);

    // Resume: keep 3 finished runs (out of order, as a parallel sweep leaves them) and rerun.
    const kept = all.trim().split('\n');
    writeFileSync(out('resumed.jsonl'), `${kept[5]}\n${kept[0]}\n${kept[2]}\n`);
    const resumed = await runCli(inProcess, [...SWEEP, '--jobs', '1', '--out', out('resumed.jsonl'), '--json']);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.out)).toMatchObject({ runs: 8, skipped: 3, ran: 5, complete: true });
    expect(readFileSync(out('resumed.jsonl'), 'utf8')).toBe(all);

    const refused = await runCli(registerMerge, ['merge', out('shard0.jsonl'), '--out', out('merged.jsonl')]);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('runs are missing');
  });

  it('reports bad axes, shards and values before running anything (exit 2)', async () => {
    const bad = await runCli(inProcess, ['sweep', 'reference-chat', '--vary', 'chatServers.cores=4..2', '--shard', '3/3', '--jobs', '0']);
    expect(bad.code).toBe(2);
    expect(bad.err.trim().split('\n')).toEqual([
      'error: --vary: chatServers.cores: the range 4..2 runs backwards; write 2..4',
      'error: --shard: shard 3/3 does not exist: shards are numbered 0 to 2',
      'error: --jobs: expected an integer from 1 to 256, got "0"',
    ]);
    const badValue = await runCli(inProcess, ['sweep', 'reference-chat', '--vary', 'chatServers.cores=0..1', '--out', out('never.jsonl')]);
    expect(badValue.code).toBe(2);
    expect(badValue.err).toMatch(/^error: --vary: chatServers\.cores=0: /);
    expect(existsSync(out('never.jsonl'))).toBe(false);
  });

  const distWorker = new URL('../../dist/sweep/run-worker.js', import.meta.url);
  it.skipIf(!existsSync(distWorker))('runs on worker threads (dist/) with the same bytes for 2 jobs as for 1', async () => {
    const threads = (program: Parameters<typeof registerSweep>[0], io: Parameters<typeof registerSweep>[1]) => registerSweep(program, io, { workerUrl: distWorker });
    const two = await runCli(threads, [...SWEEP, '--jobs', '2', '--out', out('threads2.jsonl')]);
    expect(two.err).toBe('');
    expect(two.out).toContain('ran 8 on 2 worker threads');
    const one = await runCli(threads, [...SWEEP, '--jobs', '1', '--out', out('threads1.jsonl')]);
    expect(one.out).toContain('ran 8 on 1 worker thread ');
    expect(readFileSync(out('threads2.jsonl'), 'utf8')).toBe(readFileSync(out('threads1.jsonl'), 'utf8'));
  });
});
