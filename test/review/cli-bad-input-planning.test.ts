/**
 * Review: bad input to the planning commands (sweep, plan, queue, whatif) through the whole CLI
 * (`main`, as bin/chatscale.js calls it). DESIGN.md section 9: a bad flag is one line per problem
 * naming the flag the user typed and the value they typed, exit 2, never a stack trace; and it is
 * refused before any simulation runs (every case here returns in milliseconds).
 */
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { cli, smallScenarioPerTest, STACK_LINE } from './cli-capture.js';
import { parseSlos } from '../../src/plan/search/slo.js';


const temp = smallScenarioPerTest('chatscale-review-planning-');
let dir = '';
let scenario = '';
beforeEach(() => {
  dir = temp.dir();
  scenario = temp.scenario();
});



/** Runs the CLI, expects bad input (exit 2, no stack, nothing on stdout) and returns stderr's lines. */
async function badInput(args: string[]): Promise<string[]> {
  const { code, out, err } = await cli(args);
  expect(err).not.toMatch(STACK_LINE);
  expect(out).toBe('');
  expect(code).toBe(2);
  return err.trimEnd().split('\n');
}

describe('plan --vary and --range problems name the flag and the value typed (review)', () => {
  it('a percentage field is a --vary problem, not "--set ... got 4096"', async () => {
    const lines = await badInput(['plan', scenario, '--vary', 'workload.online.share', '--slo', 'cpu<0.7']);
    expect(lines).toEqual([
      'error: --vary: workload.online.share: plan can only vary a field that takes a whole number (a count, such as chatServers.perRegion or chatServers.cores); workload.online.share does not: write a percentage with %',
    ]);
  });

  it('a duration field is a --vary problem that says why', async () => {
    const lines = await badInput(['plan', scenario, '--vary', 'duration', '--slo', 'cpu<0.7']);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: --vary: duration: plan can only vary a field that takes a whole number .*; duration does not: a duration needs a unit/);
    expect(lines[0]).not.toContain('--set');
    expect(lines[0]).not.toContain('4096');
  });

  it('an unknown field is one --vary line, with did-you-mean', async () => {
    expect(await badInput(['plan', scenario, '--vary', 'bogus.field', '--range', '1..5', '--slo', 'cpu<0.7'])).toEqual([
      expect.stringMatching(/^error: --vary: bogus\.field: unknown field "bogus"; expected one of name, /),
    ]);
    expect(await badInput(['plan', scenario, '--vary', 'chatServers.perRgion', '--slo', 'cpu<0.7'])).toEqual([
      'error: --vary: chatServers.perRgion: unknown field "perRgion"; did you mean "perRegion"?',
    ]);
  });

  it('a range end the field refuses is a --range problem naming the range typed', async () => {
    expect(await badInput(['plan', scenario, '--vary', 'chatServers.perRegion', '--range', '0..5', '--slo', 'cpu<0.7'])).toEqual([
      'error: --range: 0..5: chatServers.perRegion=0: expected a positive integer, got 0',
    ]);
  });

  it('--range takes exponent notation and gives the true reason an end is refused', async () => {
    expect(await badInput(['plan', scenario, '--vary', 'chatServers.perRegion', '--range', '1..1e9', '--slo', 'cpu<0.7'])).toEqual([
      'error: --range: 1..1e9: chatServers.perRegion=1000000000: expected a positive integer of at most 1000000, got 1000000000',
    ]);
    expect(await badInput(['plan', scenario, '--vary', 'chatServers.perRegion', '--range', '1..2.5', '--slo', 'cpu<0.7'])).toEqual([
      `error: --range: expected whole numbers a..b such as 4..64 ("2.5" is not a whole number of at most ${Number.MAX_SAFE_INTEGER}), got "1..2.5"`,
    ]);
  });
});

describe('sweep --vary and --repeat problems (review)', () => {
  it('an unknown --vary field is one --vary line, not --set', async () => {
    expect(await badInput(['sweep', scenario, '--vary', 'bogus.field=1,2', '--out', join(dir, 'p.jsonl')])).toEqual([
      expect.stringMatching(/^error: --vary: bogus\.field: unknown field "bogus"; expected one of name, /),
    ]);
  });

  it('a bad --vary value names the value typed', async () => {
    expect(await badInput(['sweep', scenario, '--vary', 'chatServers.perRegion=1,abc', '--out', join(dir, 'p.jsonl')])).toEqual([
      'error: --vary: chatServers.perRegion=abc: expected a positive integer, got "abc"',
    ]);
    expect(await badInput(['sweep', scenario, '--vary', 'chatServers.cores=0..1', '--out', join(dir, 'p.jsonl')])).toEqual([
      'error: --vary: chatServers.cores=0: expected a positive integer, got 0',
    ]);
  });

  it('--repeat shows the value given, not -1', async () => {
    const vary = ['--vary', 'chatServers.perRegion=1,2', '--out', join(dir, 'p.jsonl')];
    expect(await badInput(['sweep', scenario, ...vary, '--repeat', '1e9'])).toEqual(['error: --repeat: expected an integer from 1 to 1000, got "1e9"']);
    expect(await badInput(['sweep', scenario, ...vary, '--repeat', 'abc'])).toEqual(['error: --repeat: expected an integer from 1 to 1000, got "abc"']);
  });
});

describe('queue flags (review)', () => {
  const queue = ['queue', '--arrival-rate', '1/s', '--service-time', '1s'];

  it('--servers takes exponent notation for a whole number in range', async () => {
    const { code, out, err } = await cli([...queue, '--servers', '1e6', '--json']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ stable: true, inputs: { servers: 1_000_000 } });
    expect(await badInput([...queue, '--servers', '1e8'])).toEqual(["error: --servers: expected a whole number from 1 to 10000000, got '1e8'"]);
    expect(await badInput([...queue, '--servers', '2.5'])).toEqual(["error: --servers: expected a whole number from 1 to 10000000, got '2.5'"]);
  });

  it('a --service-cv whose square overflows is bad input, not an "unstable" answer with exit 0', async () => {
    expect(await badInput([...queue, '--servers', '2', '--service-cv', '1e308'])).toEqual([
      "error: --service-cv: expected a coefficient of variation from 0 to 1000000, got '1e308': too large (its square, which the model uses, overflows to Infinity)",
    ]);
    expect(await badInput([...queue, '--servers', '2', '--arrival-cv', '2e6'])).toEqual([
      "error: --arrival-cv: expected a coefficient of variation from 0 to 1000000, got '2e6': too large",
    ]);
  });
});

describe('whatif --set-both (review)', () => {
  it('a bad --set-both value is reported under --set-both, not hidden behind "nothing to compare"', async () => {
    const lines = await badInput(['whatif', scenario, '--set-both', 'duration=abc']);
    expect(lines).toContain('error: --set-both duration: expected a duration such as 30ms or 5min, got "abc"');
  });

  it('with a variant given, the bad --set-both value is the only problem and nothing runs', async () => {
    expect(await badInput(['whatif', scenario, '--set', 'chatServers.cores=3', '--set-both', 'duration=abc'])).toEqual([
      'error: --set-both duration: expected a duration such as 30ms or 5min, got "abc"',
    ]);
  });
});

describe('SLOs no run can meet are refused at parse time (review)', () => {
  it('plan --slo "p99<-1" is exit 2 before any run, not exit 1 after a search', async () => {
    expect(await badInput(['plan', scenario, '--vary', 'chatServers.perRegion', '--range', '1..5', '--slo', 'p99<-1'])).toEqual([
      'error: --slo: "p99<-1": a latency bound must be greater than 0 ms, got -1',
    ]);
  });

  it('whatif refuses them too', async () => {
    expect(await badInput(['whatif', scenario, '--set', 'chatServers.cores=3', '--slo', 'p99<0', '--slo', 'cpu>1'])).toEqual([
      'error: --slo: "p99<0": a latency bound must be greater than 0 ms, got 0',
      'error: --slo: "cpu>1": cpu is a fraction of at most 1, so no run can meet > 1',
    ]);
  });

  it('refuses negative and zero bounds below which no figure falls, and keeps meetable ones', () => {
    const parsed = parseSlos(['loss<0', 'messages.dropped<=-1', 'cpu<101%', 'mean<=0s']);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.problems).toEqual([
        { slo: 'loss<0', reason: 'loss is never negative, so no run can meet < 0' },
        { slo: 'messages.dropped<=-1', reason: 'messages.dropped is never negative, so no run can meet <= -1' },
        { slo: 'cpu<101%', reason: 'cpu is a fraction from 0 to 1, got 1.01 (write 0.7 or 70%)' },
        { slo: 'mean<=0s', reason: 'a latency bound must be greater than 0 ms, got 0' },
      ]);
    }
    expect(parseSlos(['links.lost.sum<=0', 'loss<=0', 'operations.route>0', 'cpu<=1', 'cpu>=1', 'p99<0.2s']).ok).toBe(true);
  });
});

describe('a --set of the field a command varies (session 13)', () => {
  it('plan refuses it: the --set would be overridden at every point', async () => {
    const outcome = await cli(['plan', scenario, '--set', 'chatServers.perRegion=3', '--vary', 'chatServers.perRegion', '--slo', 'cpu<0.7']);
    expect(outcome.code).toBe(2);
    expect(outcome.err).toMatch(/^error: --set: chatServers\.perRegion=3: --vary chatServers\.perRegion sets that field at every point/m);
    expect(outcome.err).not.toMatch(/^\s+at /m);
  });

  it('sweep refuses it too, also for a mapping that holds the field', async () => {
    const outcome = await cli(['sweep', scenario, '--set', 'chatServers={perRegion: 3}', '--vary', 'chatServers.perRegion=2,4', '--out', join(dir, 'never.jsonl')]);
    expect(outcome.code).toBe(2);
    expect(outcome.err).toMatch(/^error: --set: chatServers=\{perRegion: 3\}: --vary chatServers\.perRegion sets that field/m);
  });
});

describe('whatif and the seed (session 13)', () => {
  it('refuses --set seed=N for the variant, which both runs share and which was silently dropped', async () => {
    const outcome = await cli(['whatif', scenario, '--set', 'seed=7']);
    expect(outcome.code).toBe(2);
    expect(outcome.err).toMatch(/^error: --set: seed=7: both runs use one seed, so the variant cannot change it; use --seed N/m);
    expect(outcome.out).toBe('');
  });
});
