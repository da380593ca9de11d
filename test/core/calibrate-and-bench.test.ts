import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { registerCalibrate, runCalibrate, type CalibrateIo } from '../../src/cli/commands/calibrate.js';
import { BadInputError } from '../../src/cli/errors.js';
import { calibrate } from '../../src/engine/calibrate.js';
import { runCoreBench } from '../../src/engine/core-bench.js';

/** A clock that moves by the same step at every read: every timed interval is one step. */
function steppingClock(stepNs: number): () => number {
  let now = 0;
  return () => (now += stepNs);
}

const machine = { cpuModel: 'test cpu', cores: 2, node: 'v20' };

describe('calibrate', () => {
  it('measures every operation of the mix and subtracts the clock overhead', () => {
    const profile = calibrate({ nowNs: steppingClock(7), machine, measuredAt: '2026-01-01T00:00:00.000Z', users: 60, messages: 400, rounds: 2 });
    expect(profile.machine).toEqual(machine);
    expect(profile.measuredAt).toBe('2026-01-01T00:00:00.000Z');
    expect(profile.clockOverheadNs).toBe(7);
    for (const op of ['connect', 'disconnect', 'route', 'duplicate', 'reject', 'serverAck', 'fanout', 'deliver', 'ack', 'receipt', 'store', 'drain', 'expire', 'directoryLookup', 'directoryWrite', 'serverSend', 'serverReceive', 'groupChange', 'senderKey', 'timer']) {
      expect(profile.samples[op], op).toBeGreaterThan(0);
    }
    // With a clock that only measures itself, every operation costs nothing beyond the overhead,
    // except those whose interval spans more than one clock read (a call's tail).
    expect(profile.costsNs.route).toBe(0);
    expect(profile.costsNs.fanout).toBe(0);
  });

  it('refuses to overwrite a profile without --force and reports every bad flag at once', () => {
    const io: CalibrateIo = { stdout: () => undefined, exists: () => true, writeFile: () => undefined };
    try {
      runCalibrate({ out: 'calibrated.json', users: '-3', rounds: 'many' }, io);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(BadInputError);
      const fields = (error as BadInputError).problems.map((p) => p.field);
      expect(fields).toEqual(['--users', '--rounds', '--out']);
    }
  });

  it('writes the profile and prints only JSON with --json', () => {
    const written: string[] = [];
    let stdout = '';
    const io: CalibrateIo = { stdout: (text) => (stdout += text), exists: () => true, writeFile: (_path, text) => written.push(text) };
    runCalibrate({ out: 'p.json', force: true, json: true, users: '40', messages: '200', rounds: '1' }, io);
    const profile = JSON.parse(stdout) as { costsNs: Record<string, number>; machine: { cores: number } };
    expect(written).toEqual([stdout]);
    expect(profile.machine.cores).toBeGreaterThan(0);
    expect(Object.keys(profile.costsNs)).toContain('route');
  });
});

describe('calibrate command', () => {
  it('parses its flags through commander and writes to --out', async () => {
    const files = new Map<string, string>();
    let stdout = '';
    const io: CalibrateIo = { stdout: (text) => (stdout += text), exists: (path) => files.has(path), writeFile: (path, text) => files.set(path, text) };
    const program = new Command().exitOverride();
    registerCalibrate(program, io);
    await program.parseAsync(['calibrate', '--out', 'x.json', '--users', '40', '--messages', '200', '--rounds', '1'], { from: 'user' });
    expect([...files.keys()]).toEqual(['x.json']);
    expect(stdout).toMatch(/^routing core cost profile/);
    expect(stdout).toMatch(/\nroute +\d/);
    expect(stdout).toMatch(/wrote x\.json\n$/);
    await expect(program.parseAsync(['calibrate', '--out', 'x.json'], { from: 'user' })).rejects.toBeInstanceOf(BadInputError);
  });
});

describe('core benchmarks', () => {
  it('core-1to1 delivers every message and its receipt, and reports against the injected clock', () => {
    const result = runCoreBench('core-1to1', { nowMs: steppingClock(500), devices: 2000, messages: 5000, warmupMessages: 100 });
    expect(result.devicesConnected).toBe(2000);
    expect(result.messages).toBe(5000);
    expect(result.deliveries).toBe(10_000); // the message, then its delivery receipt
    expect(result.wallSeconds).toBe(0.5);
    expect(result.messagesPerWallSecond).toBe(10_000);
    expect(Number.isNaN(result.bytesPerConnectedDevice)).toBe(true);
  });

  it('core-group-256 fans each message out to 255 devices and reports memory per device', () => {
    let bytes = 0;
    const result = runCoreBench('core-group-256', {
      nowMs: steppingClock(1000),
      memoryBytes: () => (bytes += 1024 * 300),
      devices: 1024,
      messages: 50,
      warmupMessages: 5,
    });
    expect(result.deliveries).toBe(50 * 255 * 2);
    expect(result.messagesPerWallSecond).toBe(50);
    expect(result.bytesPerConnectedDevice).toBe(300);
  });
});
