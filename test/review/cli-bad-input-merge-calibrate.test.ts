/**
 * Review: bad input to `merge` and `calibrate` through the whole CLI (`main`, as bin/chatscale.js
 * calls it). The standard: one line per problem naming the file and the reason, exit 2, never a
 * stack trace, and nothing the user had is lost or overwritten.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { cli, STACK_LINE } from './cli-capture.js';
import { VERSION } from '../../src/engine/version.js';


afterEach(() => {
  vi.restoreAllMocks();
});



/** stderr as its lines, each an `error:` line (the bad-input format). */
function errorLines(err: string): string[] {
  const lines = err.trimEnd().split('\n');
  for (const line of lines) expect(line).toMatch(/^error: /);
  return lines;
}

/** A sliced scenario in two parts that runs in a fraction of a second. */
const SLICED = `name: sliced
seed: 3
duration: 1100ms
warmup: 100ms
fidelity: slice
sliceServers: 2
sliceParts: 2
regions:
  eu: { timezone: UTC, users: 2000, chatServers: { count: 2 } }
chatServers: { cores: 2 }
workload:
  online: { share: 100% }
  messagesPerSecond: 500/s
`;

describe('merge: a bad input file is named with its reason, not blamed on --out (review)', () => {
  let dir = '';
  let part0 = '';
  let part1 = '';
  let sweepFile = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chatscale-review-merge-'));
    writeFileSync(join(dir, 'sliced.yaml'), SLICED);
    part0 = join(dir, 'part-0.json');
    part1 = join(dir, 'part-1.json');
    for (const [i, file] of [part0, part1].entries()) {
      const shard = await cli(['run', join(dir, 'sliced.yaml'), '--shard', `${i}/2`, '--out', file]);
      expect(shard.code).toBe(0);
    }
    sweepFile = join(dir, 'points.jsonl');
    const sweep = await cli(['sweep', join(dir, 'sliced.yaml'), '--vary', 'chatServers.cores=1,2', '--jobs', '1', '--out', sweepFile]);
    expect(sweep.code).toBe(0);
  }, 60_000);

  /** Runs merge and checks the common contract: exit 2, no stack, no stdout, no --out blame, inputs untouched. */
  async function refused(args: string[]): Promise<string[]> {
    const before = [part0, part1, sweepFile].map((f) => readFileSync(f, 'utf8'));
    const listing = readdirSync(dir).sort();
    const { code, out, err } = await cli(['merge', ...args]);
    expect(err).not.toMatch(STACK_LINE);
    expect(err).not.toContain('internal error');
    expect(code).toBe(2);
    expect(out).toBe('');
    expect([part0, part1, sweepFile].map((f) => readFileSync(f, 'utf8'))).toEqual(before);
    expect(readdirSync(dir).sort()).toEqual(listing);
    return errorLines(err);
  }

  it('the good parts still merge (the fixture is sound)', async () => {
    const { code, err } = await cli(['merge', part0, part1, '--json']);
    expect(err).toBe('');
    expect(code).toBe(0);
  });

  it('a missing file among good parts: one line naming it, "no such file"', async () => {
    const missing = join(dir, 'nonexist.json');
    expect(await refused([part0, part1, missing])).toEqual([`error: ${missing}: no such file`]);
  });

  it('a missing file on its own: "no such file", --out not mentioned', async () => {
    const missing = join(dir, 'nonexist.json');
    expect(await refused([missing])).toEqual([`error: ${missing}: no such file`]);
  });

  it('two missing files: one line each', async () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.jsonl');
    expect(await refused([a, b])).toEqual([`error: ${a}: no such file`, `error: ${b}: no such file`]);
  });

  it('a directory: "is a directory"', async () => {
    const folder = join(dir, 'folder.json');
    mkdirSync(folder, { recursive: true });
    expect(await refused([part0, part1, folder])).toEqual([`error: ${folder}: is a directory; expected a file`]);
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable file (mode 000): "permission denied"', async () => {
    const locked = join(dir, 'locked.json');
    writeFileSync(locked, readFileSync(part1, 'utf8'));
    chmodSync(locked, 0o000);
    try {
      expect(await refused([part0, locked])).toEqual([`error: ${locked}: cannot be read (permission denied)`]);
    } finally {
      chmodSync(locked, 0o644);
    }
  });

  it('a file holding {}: not a parts file or sweep file', async () => {
    const empty = join(dir, 'empty-object.json');
    writeFileSync(empty, '{}\n');
    const lines = await refused([part0, part1, empty]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^error: ${empty}: not a chatscale file to merge: expected a run's parts file .* or a sweep's points file`));
    expect(readFileSync(empty, 'utf8')).toBe('{}\n');
  });

  it('a file that is not JSON, and an empty file: each named with its reason', async () => {
    const text = join(dir, 'notes.txt');
    const blank = join(dir, 'blank.json');
    writeFileSync(text, 'hello\n');
    writeFileSync(blank, '');
    const lines = await refused([text, blank]);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^error: ${text}: not JSON \\(.*\\): not a chatscale file to merge`));
    expect(lines[1]).toMatch(new RegExp(`^error: ${blank}: is empty: not a chatscale file to merge`));
  });

  it('a part file from another version (edited in place or re-serialised): names both versions', async () => {
    const inPlace = join(dir, 'v-in-place.json');
    writeFileSync(inPlace, readFileSync(part1, 'utf8').replace(`"version":"${VERSION}"`, '"version":"9.9.9"'));
    const pretty = join(dir, 'v-pretty.json');
    writeFileSync(pretty, JSON.stringify({ ...(JSON.parse(readFileSync(part1, 'utf8')) as object), version: '9.9.9' }, null, 2));
    const reason = `written by chatscale 9.9.9, this is ${VERSION}: run every shard with the same version`;
    expect(await refused([part0, inPlace])).toEqual([`error: ${inPlace}: ${reason}`]);
    expect(await refused([part0, pretty])).toEqual([`error: ${pretty}: ${reason}`]);
  });

  it('a pretty-printed parts file of this version is still a parts file', async () => {
    const pretty = join(dir, 'part-1-pretty.json');
    writeFileSync(pretty, JSON.stringify(JSON.parse(readFileSync(part1, 'utf8')), null, 2));
    const { code, err } = await cli(['merge', part0, pretty, '--json']);
    expect(err).toBe('');
    expect(code).toBe(0);
  });

  it('parts files mixed with a sweep file: says they are a mix', async () => {
    const lines = await refused([part0, part1, sweepFile, '--out', join(dir, 'all.jsonl')]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('mix');
    expect(lines[0]).toContain(`run parts files (from run --shard: ${part0}, ${part1})`);
    expect(lines[0]).toContain(`sweep points files (from sweep --out: ${sweepFile})`);
    expect(existsSync(join(dir, 'all.jsonl'))).toBe(false);
  });

  it('a sweep file with a missing one: names the missing file, and still asks for --out (a sweep merge needs it)', async () => {
    const missing = join(dir, 'shard-1.jsonl');
    expect(await refused([sweepFile, missing])).toEqual([`error: ${missing}: no such file`, 'error: --out: merging a sweep writes a file: add --out all.jsonl']);
  });

  it('a sweep file with a bad one and --out: names the file and writes no --out', async () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{}\n');
    const out = join(dir, 'merged.jsonl');
    const lines = await refused([sweepFile, bad, '--out', out]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^error: ${bad}: not a chatscale file to merge`));
    expect(existsSync(out)).toBe(false);
  });

  it('parts with a bad file and --out: every problem at once', async () => {
    const missing = join(dir, 'nonexist.json');
    expect(await refused([part0, missing, '--out', join(dir, 'x.jsonl')])).toEqual([
      `error: ${missing}: no such file`,
      "error: --out: merging a run's parts prints its report: leave out --out (use --json for the results contract)",
    ]);
  });

  it('the good sweep file still merges (the fixture is sound)', async () => {
    const out = join(dir, 'all-good.jsonl');
    const { code, err } = await cli(['merge', sweepFile, '--out', out]);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(sweepFile, 'utf8'));
  });
});

/** Flags that keep a measurement to a few milliseconds. */
const QUICK = ['--users', '10', '--messages', '100', '--rounds', '1'];

describe('calibrate: --out and --json (review)', () => {
  let dir = '';

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatscale-review-calibrate-'));
  });

  it('--out naming a directory says it is a folder, does not suggest --force, and leaves it alone', async () => {
    const folder = join(dir, 'profiles');
    mkdirSync(folder);
    writeFileSync(join(folder, 'keep.txt'), 'mine\n');
    for (const extra of [[], ['--force']]) {
      const { code, out, err } = await cli(['calibrate', ...QUICK, '--out', folder, ...extra]);
      expect(err).not.toMatch(STACK_LINE);
      expect(code).toBe(2);
      expect(out).toBe('');
      expect(errorLines(err)).toEqual([`error: --out: ${folder} is a folder; expected a file name`]);
      expect(err).not.toContain('--force');
      expect(statSync(folder).isDirectory()).toBe(true);
      expect(readdirSync(folder)).toEqual(['keep.txt']);
      expect(readFileSync(join(folder, 'keep.txt'), 'utf8')).toBe('mine\n');
    }
  });

  it('--json without --out prints the profile to stdout and writes no file, so it can be repeated', async () => {
    for (let i = 0; i < 2; i++) {
      const { code, out, err } = await cli(['calibrate', ...QUICK, '--json'], dir);
      expect(err).toBe('');
      expect(code).toBe(0);
      const profile = JSON.parse(out) as { costsNs: Record<string, number> };
      expect(Object.keys(profile.costsNs)).toContain('route');
      expect(readdirSync(dir)).toEqual([]);
    }
  });

  it('--json with --out writes that file and prints the same JSON; an existing file is kept without --force', async () => {
    const file = join(dir, 'p.json');
    const first = await cli(['calibrate', ...QUICK, '--json', '--out', file]);
    expect(first.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(first.out);
    const second = await cli(['calibrate', ...QUICK, '--json', '--out', file]);
    expect(second.code).toBe(2);
    expect(second.err).not.toMatch(STACK_LINE);
    expect(errorLines(second.err)).toEqual([`error: ${file} --out: file exists; pass --force to overwrite it`]);
    expect(readFileSync(file, 'utf8')).toBe(first.out);
  });

  it('without --json or --out it still writes calibrated.json (the documented default) and refuses to overwrite it', async () => {
    const first = await cli(['calibrate', ...QUICK], dir);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/wrote calibrated\.json\n$/);
    const written = readFileSync(join(dir, 'calibrated.json'), 'utf8');
    const second = await cli(['calibrate', ...QUICK], dir);
    expect(second.code).toBe(2);
    expect(errorLines(second.err)).toEqual(['error: calibrated.json --out: file exists; pass --force to overwrite it']);
    expect(readFileSync(join(dir, 'calibrated.json'), 'utf8')).toBe(written);
  });
});
