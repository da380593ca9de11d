import { Command } from 'commander';
import { describe, expect, test } from 'vitest';
import { registerValidate } from '../../src/cli/commands/validate.js';
import { admissionNeed, admissionProblems } from '../../src/engine/admission.js';
import { loadScenario } from '../../src/scenario/index.js';
import { BadInputError } from '../../src/cli/errors.js';
import { exitCodeFor } from '../../src/cli/program.js';

/** Runs `chatscale <args>` in-process with only the validate command; returns exit code and output. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  let stdout = '';
  let stderr = '';
  registerValidate(program, { stdout: (text) => (stdout += text) });
  try {
    await program.parseAsync(args, { from: 'user' });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const code = exitCodeFor(error, (text) => (stderr += text));
    return { code, stdout, stderr };
  }
}

describe('chatscale validate', () => {
  test('prints what reference-chat resolves to and exits 0', async () => {
    const { code, stdout, stderr } = await run(['validate', 'scenarios/reference-chat.yaml']);
    expect([code, stderr]).toEqual([0, '']);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('scenario reference-chat (scenarios/reference-chat.yaml): ok');
    expect(lines).toContain('  run        10s simulated (warmup 0s), fidelity full, seed 1, start 2025-01-15T12:00:00.000Z');
    expect(lines).toContain('  regions    1: 1,000,000 users, 1,000,000 devices (1 per user), 16 chat servers, 128 cores, placement modulo');
    expect(lines).toContain(
      '  messages   200,000/s (one Poisson stream, senders uniform), 2,000,000 in the run; 100% to the same region, recipients uniform',
    );
    expect(lines).toContain('  costs      route exp(200us), deliver exp(200us), others 0; scale 1');
    expect(lines).toContain('  links      none (one region)');
    expect(stdout).toContain('  memory     about 1.03GiB to simulate: 1,000,000 connected devices at peak (763MiB)');
    // What run admits against the free memory: the engine's 320 B per device and client state.
    expect(stdout).toContain(
      "  run needs  about 664MiB by the engine's measured costs (320 B per connected device, and client state for 1,000,000 users); run refuses a scenario that needs more than 80% of the free memory",
    );
    // 2 s to start, 1 us per device and 1 s per part at setup, 7 us per message and copy (a million
    // devices, full fidelity): 400,000 a second for 10 s.
    expect(stdout).toContain("  time       roughly 32 s (16 s to 64 s) on a 2-core machine like the project's: setup 2 s, simulation 28 s");
  });

  test('lines the regions up in a column as wide as the longest name, with a space after it', async () => {
    const { code, stdout } = await run(['validate', 'scenarios/global-2025.yaml']);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines).toContain('  regions    5: 3,000,000,000 users, 3,720,000,000 devices (1.24 per user), 805 chat servers, 51,520 cores, placement hash');
    // "southeast_asia" and "north_america" are longer than the usual nine-character column.
    expect(lines).toContainEqual(expect.stringMatching(/^ {4}southeast_asia Asia\/Jakarta \(UTC\+07:00\), 300,000,000 users/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {4}emea {11}Europe\/Berlin \(UTC\+01:00\)/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {4}north_america {2}America\/New_York/));
    // The second line of each region starts in the same column as its first line's time zone.
    const second = lines.filter((line) => /^ +access /.test(line));
    expect(second.length).toBe(5);
    for (const line of second) expect(line.indexOf('access')).toBe(4 + 'southeast_asia '.length);
  });

  test('says what a sliced run needs with two of its parts at once, as run admits it', async () => {
    const { code, stdout } = await run(['validate', 'scenarios/global-2025.yaml', '--json']);
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout) as { admission: { totalBytes: number; partsAtOnce: number } };
    const loaded = loadScenario('scenarios/global-2025.yaml', []);
    if (!loaded.ok) throw new Error('global-2025 does not load');
    expect(parsed.admission.partsAtOnce).toBe(2);
    expect(parsed.admission.totalBytes).toBe(admissionNeed(loaded.scenario, 2).totalBytes);
    // Each part at once adds its share of the tables and a worker's heap: the same for each.
    const need = (atOnce: number) => admissionNeed(loaded.scenario, atOnce).totalBytes;
    expect(need(4) - need(3)).toBeCloseTo(need(3) - need(2), 0);
    expect(need(2)).toBeGreaterThan(need(1));
    // One part runs in the main thread; from two, each on a worker thread with a heap of its own.
    expect(need(2) - need(1) - (need(3) - need(2))).toBeCloseTo(256 * 1024 ** 2, 0);
    // run refuses it just below that figure and admits it just above.
    expect(admissionProblems(loaded.scenario, parsed.admission.totalBytes * 0.99, 2)).toHaveLength(1);
    expect(admissionProblems(loaded.scenario, parsed.admission.totalBytes * 1.01, 2)).toEqual([]);
    const text = await run(['validate', 'scenarios/global-2025.yaml']);
    expect(text.stdout).toMatch(/\n  run needs  about [\d.]+GiB by the engine's measured costs \(320 B per connected device, and client state for [\d,]+ users\), 2 of its 8 parts at once as on a 2-core machine;/);
  });

  test('--json prints only JSON: the resolved scenario and the estimate', async () => {
    const { code, stdout } = await run(['validate', 'quickstart', '--json', '--set', 'chatServers.perRegion=5', '--seed', '9']);
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout) as { ok: boolean; scenario: { seed: number; totals: { chatServers: number } }; estimate: { totalBytes: number } };
    expect(parsed.ok).toBe(true);
    expect(parsed.scenario.seed).toBe(9);
    expect(parsed.scenario.totals.chatServers).toBe(12); // 5 + 5 + 2 (in sets its own count)
    expect(parsed.estimate.totalBytes).toBeGreaterThan(128 * 1024 ** 2);
  });

  test('bad input: every problem on its own line, exit 2, no stack', async () => {
    const { code, stdout, stderr } = await run([
      'validate',
      'scenarios/reference-chat.yaml',
      '--set',
      'chatServers.cores=-4',
      '--set',
      'chatServers.perRegon=3',
      '--seed',
      'abc',
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      [
        'error: --seed: expected a non-negative integer, got "abc"',
        'error: --set chatServers.cores: expected a positive integer, got -4',
        'error: --set chatServers.perRegon: unknown field "perRegon"; did you mean "perRegion"?',
        '',
      ].join('\n'),
    );
  });

  test('a missing file is bad input naming the file', async () => {
    const { code, stderr } = await run(['validate', 'scenarios/nope.yaml']);
    expect([code, stderr]).toEqual([2, 'error: scenarios/nope.yaml: no such file\n']);
  });

  test('problems keep their fields when converted for the CLI', async () => {
    const program = new Command().exitOverride();
    registerValidate(program, { stdout: () => undefined });
    const error = await program.parseAsync(['validate', 'scenarios/reference-chat.yaml', '--set', 'duration=0s'], { from: 'user' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as BadInputError).problems).toEqual([{ file: '--set', field: 'duration', reason: 'expected a positive duration such as 10s or 5min, got "0s"' }]);
  });
});
