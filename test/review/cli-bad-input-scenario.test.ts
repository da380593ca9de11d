/**
 * Review, session 13: bad input that used to end in an internal error (exit 3 and a stack trace) or
 * a hang, found by probing the CLI: a region named __proto__, an alias in --set, delays too long for
 * the simulated clock, and output folders that cannot be written in.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { cli, smallScenarioPerTest, STACK_LINE, type CliOutcome } from './cli-capture.js';
import { makeFolders } from '../../src/cli/output-path.js';
import { runPartsOnThreads } from '../../src/engine/part-threads.js';
import { partsOf } from '../../src/engine/run-scenario.js';
import { loadScenario } from '../../src/scenario/index.js';
import { ClockRangeError } from '../../src/sim/time.js';
import { createRunPool } from '../../src/sweep/pool.js';
import { SMALL } from './small-scenario.js';


const temp = smallScenarioPerTest('chatscale-review-s13-');
let dir = '';
let scenario = '';
beforeEach(() => {
  dir = temp.dir();
  scenario = temp.scenario();
});



function expectOneLine(outcome: CliOutcome, pattern: RegExp): void {
  expect(outcome.code).toBe(2);
  expect(outcome.err).not.toMatch(STACK_LINE);
  expect(outcome.err).not.toContain('internal error');
  const lines = outcome.err.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

describe('names that reach an object prototype', () => {
  it('a region named __proto__ in a file is one line at its key, exit 2', async () => {
    const file = join(dir, 'proto.yaml');
    writeFileSync(file, 'name: p\nregions: { __proto__: { users: 100, timezone: UTC } }\n');
    expectOneLine(await cli(['validate', file]), /^error: .*proto\.yaml:2:\d+ regions\.__proto__: "__proto__" is reserved/);
  });

  it('a top-level __proto__ field is reported once, not also as an unknown field', async () => {
    const file = join(dir, 'top.yaml');
    writeFileSync(file, 'name: p\n__proto__: { a: 1 }\nregions: { eu: { users: 100, timezone: UTC } }\n');
    expectOneLine(await cli(['validate', file]), /top\.yaml:2:1 __proto__: "__proto__" is reserved/);
  });

  it('a region named __proto__ through --set is one --set line', async () => {
    expectOneLine(await cli(['validate', scenario, '--set', 'regions={__proto__: {users: 5, timezone: UTC}}']), /^error: --set regions\.__proto__: /);
  });

  it('a region named constructor is an ordinary name', async () => {
    const file = join(dir, 'ctor.yaml');
    writeFileSync(file, 'name: c\nregions:\n  constructor: { users: 100, timezone: UTC }\n');
    const outcome = await cli(['validate', file]);
    expect(outcome.code).toBe(0);
    expect(outcome.out).toContain('ok');
  });
});

describe('--set values the YAML package throws on', () => {
  it('an alias with no anchor is one line naming the value', async () => {
    expectOneLine(await cli(['validate', scenario, '--set', 'regions.eu=*a']), /^error: --set regions\.eu: the value "\*a" is not valid YAML here: Unresolved alias/);
  });
});

describe('delays too long for the simulated clock', () => {
  // These validated (every parameter in range) and then stopped the run when a draw overflowed the
  // ns clock's 104 days: now validate refuses a delay whose tail reaches past a day.
  it.each([
    ['a CPU cost', 'costs.route=exp(100d)', /"exp\(100d\)" draws up to 2\.07e\+3 days \(all but one draw in a billion\)/],
    ['a heavy-tailed access latency', 'regions.eu.accessLatency=lognormal(35ms, 50)', /"lognormal\(35ms, 50\)" draws up to [\d.e+]+ days/],
    ['a uniform latency of up to 100 days', 'regions.eu.accessLatency=uniform(0ms, 100d)', /draws up to 100 days/],
  ])('%s is refused by validate, at its field', async (_what, override, reason) => {
    const field = override.slice(0, override.indexOf('='));
    const outcome = await cli(['validate', scenario, '--set', override]);
    expectOneLine(outcome, new RegExp(`^error: --set ${field.replace(/\./g, '\\.')}: `));
    expect(outcome.err).toMatch(reason);
  });

  it('tails that stay under a day pass', async () => {
    for (const override of ['regions.eu.accessLatency=lognormal(35ms, 2)', 'regions.eu.accessLatency=exp(1h)', 'costs.route=normal(1ms, 5ms)']) {
      expect((await cli(['validate', scenario, '--set', override])).code).toBe(0);
    }
  });

  // Not every overflow is a distribution's: a NIC far too slow for its load queues its frames past
  // the clock's range. The run stops with one line naming the fields to look at.
  it('a NIC of 1 bit per second stops the run with one line, exit 2', async () => {
    const outcome = await cli(['run', scenario, '--set', 'chatServers.nic=1bps', '--set', 'duration=1s']);
    expectOneLine(outcome, /^error: the simulation needed an event \(.+\) at .* past the clock's exact range of 104 days: .*accessLatency.*costs.*nic/);
  });
});

describe('output folders files cannot be created in', () => {
  it.runIf(process.platform === 'linux')('run --csv under /proc is refused before the run (it used to hang in mkdir)', async () => {
    expectOneLine(await cli(['run', scenario, '--csv', '/proc/chatscale-csv']), /^error: --csv: \/proc\/chatscale-csv: cannot create files in \/proc \(/);
  });

  it.runIf(process.platform === 'linux')('run --report under /proc is refused before the run', async () => {
    expectOneLine(await cli(['run', scenario, '--report', '/proc/chatscale.md']), /^error: --report: \/proc\/chatscale\.md: cannot create files in \/proc \(/);
  });

  it('the write probe leaves nothing behind in a folder that is fine', async () => {
    const out = join(dir, 'out');
    makeFolders(out);
    const outcome = await cli(['validate', scenario]);
    expect(outcome.code).toBe(0);
    const before = readdirSync(dir).sort();
    const checked = await cli(['run', scenario, '--set', 'duration=200ms', '--csv', join(out, 'nested', 'csv'), '--json']);
    expect(checked.code).toBe(0);
    expect(existsSync(join(out, 'nested', 'csv', 'timeseries.csv'))).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(readdirSync(out)).toEqual(['nested']);
  });

  it('makeFolders creates every missing level and leaves existing ones', () => {
    const deep = join(dir, 'a', 'b', 'c');
    makeFolders(deep);
    expect(existsSync(deep)).toBe(true);
    makeFolders(deep);
    expect(existsSync(deep)).toBe(true);
  });
});

describe('files and values the reader used to describe poorly', () => {
  async function validateText(name: string, content: string | Buffer): Promise<CliOutcome> {
    const file = join(dir, name);
    writeFileSync(file, content);
    return cli(['validate', file]);
  }

  it('a second YAML document is said to be one, without the library advice', async () => {
    const outcome = await validateText('multi.yaml', 'name: a\n---\nname: b\n');
    expectOneLine(outcome, /multi\.yaml:2:1: YAML syntax: a second YAML document starts here \(---\); a scenario file holds one$/);
  });

  it('a duplicate key is named', async () => {
    expectOneLine(await validateText('dup.yaml', 'name: a\nseed: 1\nseed: 2\n'), /dup\.yaml:3:1: YAML syntax: the key "seed" appears twice in one mapping$/);
  });

  it('nesting too deep for the parser is one line, not one per level', async () => {
    expectOneLine(await validateText('deep.yaml', `a: ${'['.repeat(5000)}${']'.repeat(5000)}\n`), /deep\.yaml:1:\d+: YAML syntax: nested too deeply to read$/);
  });

  it('an alias with no anchor in the file has a line and column', async () => {
    expectOneLine(await validateText('alias.yaml', 'name: a\nregions: *b\n'), /alias\.yaml:2:10: YAML: Unresolved alias/);
  });

  it('a UTF-16 file is said not to be UTF-8, not shown as garbage', async () => {
    const outcome = await validateText('u16.yaml', Buffer.from('\ufeffname: a\n', 'utf16le'));
    expectOneLine(outcome, /u16\.yaml: is not UTF-8 text \(it looks like UTF-16 or binary\): save it as UTF-8$/);
  });

  it('bytes UTF-8 does not allow are reported with their line', async () => {
    const outcome = await validateText('bad8.yaml', Buffer.concat([Buffer.from('name: a\nseed: 1\ndescription: '), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from('\n')]));
    expectOneLine(outcome, /bad8\.yaml:3: is not UTF-8 text/);
  });

  it('a .json file must be JSON: a trailing comma is a JSON syntax error at its place', async () => {
    const outcome = await validateText('tc.json', '{"name": "a",\n "regions": {"eu": {"users": 100, "timezone": "UTC"}},\n}\n');
    expectOneLine(outcome, /tc\.json:3:1: JSON syntax: /);
  });

  it('a name over its length limit says the limit, and long values are cut when echoed', async () => {
    const outcome = await validateText('long.yaml', `name: ${'x'.repeat(300)}\nregions: { eu: { users: 100, timezone: ${'Y'.repeat(1000)} } }\n`);
    expect(outcome.code).toBe(2);
    expect(outcome.err).toContain('name: expected a non-empty name of at most 200 characters, got 300');
    expect(outcome.err).toMatch(/unknown time zone "Y{60}"\.\.\. \(1000 characters\)/);
    expect(outcome.err.length).toBeLessThan(600);
  });

  it('.nan is not a number, not a number too large', async () => {
    const outcome = await validateText('nan.yaml', 'name: a\nregions: { eu: { users: .nan, timezone: UTC } }\n');
    expectOneLine(outcome, /regions\.eu\.users: .*got not a number \(\.nan\)$/);
  });

  it.each([
    ['!!binary', 'seed: !!binary aGVsbG8=', /seed: expected a non-negative integer, got binary data \(!!binary\)$/],
    ['!!set', 'seed: !!set { a, b }', /seed: expected a non-negative integer, got a set \(!!set\)$/],
    // Where a mapping goes, a set or bytes used to pass as an empty mapping, or give a line per byte.
    ['!!binary (a mapping)', 'chatServers: !!binary AAAA', /chatServers: got binary data \(!!binary\), which no scenario field takes; write a plain mapping, list or value$/],
    ['!!set (a mapping)', 'costs: !!set { route }', /costs: got a set \(!!set\), which no scenario field takes; write a plain mapping, list or value$/],
  ])('a value tagged %s is named as what it is, not "a mapping"', async (_tag, line, reason) => {
    const outcome = await validateText('tagged.yaml', `name: a\n${line}\nregions: { eu: { users: 10, timezone: UTC } }\n`);
    expectOneLine(outcome, reason);
  });

  it('an empty scenario name on the command line says so', async () => {
    expectOneLine(await cli(['run', '']), /got an empty name$/);
  });
});

describe('the fix offered for a run too big for memory is for the part that is too big', () => {
  it('messages in flight at ten billion a second are named, not the users', async () => {
    const outcome = await cli(['run', scenario, '--set', 'workload.messagesPerSecond=1e10/s']);
    expectOneLine(outcome, /regions: needs about [\d.]+ GiB \([\d.]+ GiB for [\d,]+ message copies in flight .*\) but .*; check the latencies/);
    expect(outcome.err).not.toContain('fewer users');
  });

  it('users are still named when they are what is too big', async () => {
    const outcome = await cli(['run', scenario, '--set', 'regions.eu.users=3e9']);
    expectOneLine(outcome, /of client state for 3,000,000,000 users.*or fewer users$/);
  });
});

describe('delays too long for the clock, across a worker thread', () => {
  function scenarioWith(overrides: string[]) {
    const loaded = loadScenario({ text: SMALL, fileName: 'small.yaml' }, ['chatServers.nic=1bps', 'duration=1s', ...overrides]);
    if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.reason).join('; '));
    return loaded.scenario;
  }

  it('a sweep point with such a delay is bad input, on this thread', async () => {
    const out = join(dir, 'sweep.jsonl');
    const outcome = await cli(['sweep', scenario, '--vary', 'chatServers.nic=1bps,2bps', '--set', 'duration=1s', '--jobs', '1', '--out', out]);
    expectOneLine(outcome, /^error: the simulation needed an event \(.+\) at /);
  });

  const runWorker = new URL('../../dist/sweep/run-worker.js', import.meta.url);
  it.skipIf(!existsSync(runWorker))('a sweep worker (dist/) passes it back as a ClockRangeError', async () => {
    const pool = createRunPool({ jobs: 1, workerUrl: runWorker });
    try {
      expect(pool.mode).toBe('threads');
      await expect(pool.run(scenarioWith([]))).rejects.toBeInstanceOf(ClockRangeError);
    } finally {
      await pool.close();
    }
  });

  const partWorker = new URL('../../dist/engine/part-worker.js', import.meta.url);
  it.skipIf(!existsSync(partWorker))('the worker of a slice part (dist/) passes it back as a ClockRangeError', async () => {
    const slice = scenarioWith(['chatServers.perRegion=4', 'fidelity=slice', 'sliceServers=2', 'sliceParts=2']);
    await expect(runPartsOnThreads(slice, partsOf(slice), 2, {}, partWorker)).rejects.toBeInstanceOf(ClockRangeError);
  });
});
