import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { rmSync } from 'node:fs';
import { formatScenarioProblem, loadScenario, syntacticDistributionValidator, parseDurationNs, parseSizeBytes, type LoadResult } from '../../src/scenario/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'chatscale-scenario-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The problems of a load, one formatted line each (the test fails if the load succeeded). */
function lines(result: LoadResult): string[] {
  if (result.ok) throw new Error('expected problems, the scenario loaded');
  return result.problems.map(formatScenarioProblem);
}

const minimal = `name: tiny
regions:
  eu: { timezone: Europe/Berlin, users: 1000 }
`;

describe('a good scenario', () => {
  test('a minimal file loads with every default applied', () => {
    const result = loadScenario({ text: minimal, fileName: 'tiny.yaml' });
    if (!result.ok) throw new Error(result.problems.map(formatScenarioProblem).join('\n'));
    const scenario = result.scenario;
    expect(scenario.durationNs).toBe(60e9);
    expect(scenario.seed).toBe(1);
    expect(scenario.regions[0]?.chatServers).toMatchObject({ count: 4, cores: 8, memoryBytes: 64 * 1024 ** 3, nicBitsPerSecond: 10e9 });
    expect(scenario.regions[0]?.accessLatencyNs).toEqual({ text: '30ms', constant: 30e6, mean: 30e6 });
    expect(scenario.workload.arrivals).toEqual({ kind: 'perUserPerDay', messagesPerUserPerDayMean: 40, senderZipfSkew: 1 });
    expect(scenario.workload.sizes.text.fraction).toBe(0.9);
    expect(scenario.costs.opsNs.route).toEqual({ costNs: { text: 'exp(20us)', constant: null, mean: 20_000 }, source: 'builtIn' });
    expect(result.raw).toEqual({ name: 'tiny', regions: { eu: { timezone: 'Europe/Berlin', users: 1000 } } });
  });

  test('JSON files load the same, with positions for their problems', () => {
    const json = JSON.stringify({ name: 'tiny', regions: { eu: { timezone: 'Europe/Berlin', users: 1000 } } }, null, 2);
    const result = loadScenario({ text: json, fileName: 'tiny.json' });
    expect(result.ok).toBe(true);
    const bad = '{\n  "name": "tiny",\n  "regions": { "eu": { "timezone": "Europe/Berlin", "users": -1 } }\n}\n';
    expect(lines(loadScenario({ text: bad, fileName: 'bad.json' }))).toEqual([
      'bad.json:3:62 regions.eu.users: expected a whole number of users from 1 to 1e15 such as 40e6, got -1',
    ]);
    expect(lines(loadScenario({ text: '{ "name": "x", ', fileName: 'cut.json' }))[0]).toMatch(/^cut\.json:1:\d+: JSON syntax: /);
  });
});

describe('bad input: every problem at once, with file:line:column field: reason', () => {
  const text = [
    'name: bad', //                                    1
    'duration: 10 parsecs', //                         2
    'regions:', //                                     3
    '  eu: { timezone: Europe/Berlln, users: 40e6 }', // 4
    '  us:', //                                        5
    '    timezone: America/New_York', //               6
    '    users: 1e400', //                             7
    '    acessLatency: 30ms', //                       8
    'links:', //                                       9
    '  eu-us: { latency: 50ms, loss: 0.01 }', //        10
    'chatServers:', //                                 11
    '  perRegon: 4', //                                12
    '  cores: -4', //                                  13
    '  placement: hsh', //                             14
    'costs:', //                                       15
    '  rout: 20us', //                                 16
    '  fanout: "expo(3us)"', //                        17
    'workload:', //                                    18
    '  devicesPerUser: { 1: 70%, 2: 20% }', //         19
    '  groups: { share: 30%, size: { min: 10, max: 2000 } }', // 20
    'sliceServers: 0', //                              21
  ].join('\n');

  const result = loadScenario({ text, fileName: 'scenarios/x.yaml' });

  test('the exact lines, sorted by position', () => {
    expect(lines(result)).toEqual([
      'scenarios/x.yaml:2:11 duration: unknown duration unit "parsecs" in "10 parsecs"; use one of ns, us, µs, μs, ms, s, sec, min, h, d',
      'scenarios/x.yaml:4:19 regions.eu.timezone: unknown time zone "Europe/Berlln"; did you mean "Europe/Berlin"?',
      'scenarios/x.yaml:7:12 regions.us.users: expected a whole number of users from 1 to 1e15 such as 40e6, got a number too large to be real',
      'scenarios/x.yaml:8:5 regions.us.acessLatency: unknown field "acessLatency"; did you mean "accessLatency"?',
      'scenarios/x.yaml:10:33 links.eu-us.loss: write a percentage with %, e.g. 0.01% or 1%; got 0.01',
      'scenarios/x.yaml:12:3 chatServers.perRegon: unknown field "perRegon"; did you mean "perRegion"?',
      'scenarios/x.yaml:13:10 chatServers.cores: expected a positive integer, got -4',
      'scenarios/x.yaml:14:14 chatServers.placement: expected one of hash, least-loaded, modulo, got "hsh"; did you mean "hash"?',
      'scenarios/x.yaml:16:3 costs.rout: unknown field "rout"; did you mean "route"?',
      'scenarios/x.yaml:17:11 costs.fanout: unknown distribution "expo" in "expo(3us)"; did you mean "exp"?',
      'scenarios/x.yaml:19:19 workload.devicesPerUser: shares sum to 90%, expected 100%',
      'scenarios/x.yaml:20:47 workload.groups.size.max: expected an integer from 2 to 1024, got 2000',
      'scenarios/x.yaml:21:15 sliceServers: expected a positive integer, got 0',
    ]);
  });

  test('problems are data: file, line, column, field and reason apart', () => {
    if (result.ok) throw new Error('expected problems');
    expect(result.problems[6]).toEqual({
      file: 'scenarios/x.yaml',
      line: 13,
      column: 10,
      field: 'chatServers.cores',
      reason: 'expected a positive integer, got -4',
    });
  });
});

describe('more kinds of bad input', () => {
  test('YAML syntax errors are reported with their position, all of them', () => {
    const text = 'name: x\nregions:\n  eu: { timezone: UTC, users: 5\nfoo: 1\nfoo: 2\n';
    const found = lines(loadScenario({ text, fileName: 's.yaml' }));
    expect(found.length).toBeGreaterThanOrEqual(2);
    expect(found.every((line) => /^s\.yaml:\d+:\d+: YAML syntax: /.test(line))).toBe(true);
    expect(found.some((line) => line.startsWith('s.yaml:5:1: YAML syntax: the key "foo" appears twice in one mapping'))).toBe(true);
  });

  test('missing file, directory, empty file, comments only, not a mapping', () => {
    expect(lines(loadScenario(join(tmp, 'nope.yaml')))).toEqual([`${join(tmp, 'nope.yaml')}: no such file`]);
    const folder = join(tmp, 'folder');
    mkdirSync(folder);
    expect(lines(loadScenario(folder))).toEqual([`${folder}: is a directory; expected a scenario file (.yaml, .yml or .json)`]);
    const empty = join(tmp, 'empty.yaml');
    writeFileSync(empty, '\n  \n');
    expect(lines(loadScenario(empty))).toEqual([`${empty}: the file is empty; a scenario needs at least a name and regions`]);
    expect(lines(loadScenario({ text: '# nothing here\n', fileName: 'c.yaml' }))).toEqual([
      'c.yaml: the file is empty; a scenario needs at least a name and regions',
    ]);
    expect(lines(loadScenario({ text: '- a\n- b\n', fileName: 'l.yaml' }))).toEqual([
      'l.yaml:1:1: expected a mapping of scenario fields (name, regions, workload, ...) at the top level, got a list',
    ]);
  });

  test('YAML alias bombs are refused as bad input, not a crash', () => {
    const rows = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const [index, name] of ['b', 'c', 'd', 'e', 'f'].entries()) {
      const previous = String.fromCharCode(97 + index);
      rows.push(`${name}: &${name} [*${previous}, *${previous}, *${previous}, *${previous}, *${previous}, *${previous}, *${previous}, *${previous}, *${previous}, *${previous}]`);
    }
    const found = lines(loadScenario({ text: `${rows.join('\n')}\n`, fileName: 'bomb.yaml' }));
    expect(found).toHaveLength(1);
    // At the first alias: the yaml package says no more than that.
    expect(found[0]).toMatch(/^bomb\.yaml:2:8: YAML: Excessive alias count/);
  });

  test('required fields that are missing point at their parent', () => {
    const text = 'regions:\n  eu:\n    users: 5\n';
    expect(lines(loadScenario({ text, fileName: 'm.yaml' }))).toEqual([
      'm.yaml:1:1 name: required field is missing; expected a non-empty name',
      'm.yaml:2:3 regions.eu.timezone: required field is missing; expected a time zone such as Europe/Berlin or UTC+5:30',
    ]);
  });

  test('wrong types name what was expected and what was found', () => {
    const text = 'name: [a, b]\nseed: 1.5\nregions: 3\nworkload: { online: { share: 150% }, messagesPerSecond: "fast" }\n';
    expect(lines(loadScenario({ text, fileName: 't.yaml' }))).toEqual([
      't.yaml:1:7 name: expected a non-empty name, got a list',
      't.yaml:2:7 seed: expected a non-negative integer, got 1.5',
      't.yaml:3:10 regions: expected a mapping of region name to region, got 3',
      't.yaml:4:30 workload.online.share: expected a percentage from 0% to 100%, got "150%"',
      't.yaml:4:57 workload.messagesPerSecond: expected a rate such as 200000/s or 40/day, got "fast"',
    ]);
  });

  test('relations between fields: links, warmup, slice, sizes, exclusive rates, group bounds', () => {
    const text = [
      'name: r',
      'duration: 10s',
      'warmup: 10s',
      'fidelity: slice',
      'regions:',
      '  eu-west: { timezone: UTC, users: 10 }',
      '  us: { timezone: UTC-5, users: 10 }',
      '  in: { timezone: UTC+5:30, users: 10 }',
      'links:',
      '  eu-west-us: { latency: 40ms }',
      '  us-eu-west: { latency: 40ms }',
      '  us-us: { latency: 40ms }',
      'workload:',
      '  messagesPerSecond: 10/s',
      '  messagesPerUserPerDay: { mean: 3 }',
      '  sizes: { text: { share: 80% }, media: { share: 30% } }',
      '  groups: { size: { min: 50, max: 10 } }',
    ].join('\n');
    expect(lines(loadScenario({ text, fileName: 'r.yaml' }))).toEqual([
      'r.yaml:3:9 warmup: warmup (10s) must be shorter than duration (10s)',
      'r.yaml:4:11 fidelity: fidelity slice needs sliceServers: how many chat servers to simulate in full',
      'r.yaml:10:3 links: no link between eu-west and in; add links.eu-west-in: { latency: 50ms }',
      'r.yaml:10:3 links: no link between us and in; add links.us-in: { latency: 50ms }',
      'r.yaml:11:3 links.us-eu-west: joins the same regions as link eu-west-us; give each pair once',
      'r.yaml:12:3 links.us-us: a link joins two different regions, got "us-us"',
      'r.yaml:14:22 workload.messagesPerSecond: give either messagesPerSecond (one stream for the deployment) or messagesPerUserPerDay, not both',
      'r.yaml:16:10 workload.sizes: text and media shares sum to 110%, expected 100%',
      'r.yaml:17:26 workload.groups.size.min: min (50) must not exceed max (10)',
    ]);
  });

  test('diurnal shapes: typos, empty and all-zero points', () => {
    const text = `${minimal}workload: { online: { diurnal: flt } }\n`;
    expect(lines(loadScenario({ text, fileName: 'd.yaml' }))).toEqual([
      'd.yaml:4:32 workload.online.diurnal: expected flat, default, or a mapping of local hour to relative weight such as { 4: 0.2, 21: 1.7 }, got "flt"; did you mean "flat"?',
    ]);
    const points = 'name: d\nregions:\n  eu: { timezone: UTC, users: 1, online: { diurnal: {} } }\nworkload: { online: { diurnal: { 3: 0, 20: 0 } } }\n';
    expect(lines(loadScenario({ text: points, fileName: 'd.yaml' }))).toEqual([
      'd.yaml:3:53 regions.eu.online.diurnal: give at least one point { hour: weight }, or flat or default',
      'd.yaml:4:32 workload.online.diurnal: the weights must not all be 0: no one would ever be online',
    ]);
  });

  test('numbers too large to be real', () => {
    const text = 'name: big\nduration: 200d\nregions:\n  eu: { timezone: UTC, users: 2e15 }\nworkload: { messagesPerSecond: 1e16/s }\n';
    expect(lines(loadScenario({ text, fileName: 'b.yaml' }))).toEqual([
      'b.yaml:2:11 duration: duration too large to be real (over 2^53 ns, about 104 days), got "200d"',
      'b.yaml:4:31 regions.eu.users: number too large to be real (over 1e15), got 2000000000000000',
      'b.yaml:5:32 workload.messagesPerSecond: rate too large to be real, got "1e16/s"',
    ]);
  });

  test('a cost profile must exist', () => {
    const text = `${minimal}costs: { profile: missing-profile.json }\n`;
    expect(lines(loadScenario({ text, fileName: join(tmp, 'p.yaml') }))).toEqual([
      `${join(tmp, 'p.yaml')}:4:19 costs.profile: no such file: ${join(tmp, 'missing-profile.json')}`,
    ]);
    writeFileSync(join(tmp, 'profile.json'), '{"costsNs": {"route": 1}}');
    const ok = loadScenario({ text: `${minimal}costs: { profile: profile.json }\n`, fileName: join(tmp, 'p.yaml') });
    expect(ok.ok && ok.scenario.costs.profilePath).toBe(join(tmp, 'profile.json'));
  });

  test('a YAML flow mapping that splits a distribution at its comma gets a hint', () => {
    const text = `${minimal}workload: { sizes: { media: { bytes: lognormal(100KiB, 1.0) } } }\n`;
    expect(lines(loadScenario({ text, fileName: 'f.yaml' }))).toEqual([
      'f.yaml:4:38 workload.sizes.media.bytes: unbalanced parenthesis in "lognormal(100KiB"; inside { ... } quote a distribution that has a comma: "lognormal(100KiB, 1.0)"',
      'f.yaml:4:56 workload.sizes.media.1.0): unknown field "1.0)"; expected one of share, bytes',
    ]);
  });

  test('the distribution check is pluggable', () => {
    const text = `${minimal}costs: { route: "gamma(2, 10us)" }\n`;
    expect(lines(loadScenario({ text, fileName: 'g.yaml' }))).toEqual([
      'g.yaml:4:17 costs.route: unknown distribution "gamma" in "gamma(2, 10us)"; expected one of constant, const, exponential, exp, uniform, normal, gaussian, lognormal, pareto, zipf',
    ]);
    const permissive = {
      duration: () => ({ ok: true as const }),
      size: syntacticDistributionValidator(parseSizeBytes),
    };
    expect(loadScenario({ text, fileName: 'g.yaml' }, [], { distributionValidators: permissive }).ok).toBe(true);
    const syntactic = { duration: syntacticDistributionValidator(parseDurationNs), size: syntacticDistributionValidator(parseSizeBytes) };
    expect(lines(loadScenario({ text: `${minimal}costs: { route: "exp(3 parsecs)" }\n`, fileName: 'g.yaml' }, [], { distributionValidators: syntactic }))).toEqual([
      'g.yaml:4:17 costs.route: bad argument "3 parsecs" in "exp(3 parsecs)": unknown duration unit "parsecs" in "3 parsecs"; use one of ns, us, µs, μs, ms, s, sec, min, h, d',
    ]);
  });
});

describe('--set overrides', () => {
  test('values are YAML scalars or flow collections, applied before validation', () => {
    const result = loadScenario({ text: minimal, fileName: 'o.yaml' }, [
      'chatServers.perRegion=40',
      'workload.groups.share=30%',
      'regions.eu.users=40e6',
      'links={}',
      'regions.us={timezone: America/New_York, users: 2e6}',
      'links.eu-us={latency: 45ms}',
      'duration=5min',
    ]);
    if (!result.ok) throw new Error(result.problems.map(formatScenarioProblem).join('\n'));
    expect(result.scenario.regions.map((region) => [region.name, region.users, region.chatServers.count, region.userIdFirst])).toEqual([
      ['eu', 40e6, 40, 0],
      ['us', 2e6, 40, 40e6],
    ]);
    expect(result.scenario.workload.groups.fraction).toBeCloseTo(0.3, 15);
    expect(result.scenario.durationNs).toBe(300e9);
    expect(result.scenario.links[0]).toMatchObject({ name: 'eu-us', regionA: 'eu', regionB: 'us' });
    expect(result.raw['chatServers']).toEqual({ perRegion: 40 });
  });

  test('an empty value or null removes a field, so an alternative can replace it', () => {
    const text = `${minimal}workload: { messagesPerUserPerDay: { mean: 10 } }\n`;
    const both = loadScenario({ text, fileName: 'o.yaml' }, ['workload.messagesPerSecond=1000/s']);
    expect(both.ok).toBe(false);
    const swapped = loadScenario({ text, fileName: 'o.yaml' }, ['workload.messagesPerUserPerDay=', 'workload.messagesPerSecond=1000/s']);
    expect(swapped.ok && swapped.scenario.workload.arrivals).toEqual({ kind: 'totalPerSecond', messagesPerSecond: 1000, senderZipfSkew: 0 });
    const removed = loadScenario({ text: minimal, fileName: 'o.yaml' }, ['name=null']);
    expect(lines(removed)).toEqual(['--set name: required field is missing; expected a non-empty name']);
  });

  test('bad overrides are problems of --set, after the file\'s, in command-line order', () => {
    const text = `${minimal}chatServers: { cores: 0 }\n`;
    expect(
      lines(
        loadScenario({ text, fileName: 'o.yaml' }, [
          'chatServers.perRegon=40',
          'name.first=x',
          'workload.groups.share=300%',
          'regions.asia.users=5',
          'novalue',
          '=3',
          'seed=[1',
        ]),
      ),
    ).toEqual([
      'o.yaml:1:1 links: no link between eu and asia; add links.eu-asia: { latency: 50ms }',
      'o.yaml:4:23 chatServers.cores: expected a positive integer, got 0',
      '--set chatServers.perRegon: unknown field "perRegon"; did you mean "perRegion"?',
      '--set name.first: name is a string, not a mapping, so it has no field "first"',
      '--set workload.groups.share: expected a percentage from 0% to 100%, got "300%"',
      '--set regions.asia.timezone: required field is missing; expected a time zone such as Europe/Berlin or UTC+5:30',
      '--set novalue: expected path=value, such as chatServers.perRegion=40',
      '--set: expected a dotted field path such as chatServers.perRegion, got ""',
      '--set seed: the value "[1" is not valid YAML: Flow sequence must end with a ]',
    ]);
  });
});

describe('region and link names', () => {
  test('names may hold "-"; a link name splits where both sides are regions', () => {
    const text = [
      'name: n',
      'regions:',
      '  eu-west: { timezone: Europe/Dublin, users: 10 }',
      '  us-east: { timezone: America/New_York, users: 10 }',
      'links:',
      '  eu-west-us-east: { latency: "normal(40ms, 2ms)", bandwidth: unlimited, loss: 0.5% }',
    ].join('\n');
    const result = loadScenario({ text, fileName: 'n.yaml' });
    if (!result.ok) throw new Error(result.problems.map(formatScenarioProblem).join('\n'));
    expect(result.scenario.links).toEqual([
      {
        name: 'eu-west-us-east',
        regionA: 'eu-west',
        regionB: 'us-east',
        latencyNs: { text: 'normal(40ms, 2ms)', constant: null, mean: expect.closeTo(40e6, 0) as number },
        bandwidthBitsPerSecond: null,
        lossFraction: 0.005,
      },
    ]);
  });

  test('a misspelt link is not reported missing twice', () => {
    const text = 'name: n\nregions:\n  eu: { timezone: UTC, users: 1 }\n  us: { timezone: UTC, users: 1 }\nlinks:\n  eu-usa: { latency: 40ms }\n';
    expect(lines(loadScenario({ text, fileName: 'n.yaml' }))).toEqual(['n.yaml:6:3 links.eu-usa: "eu-usa" does not name two regions; did you mean "eu-us"?']);
  });

  test('bad region names point at the key', () => {
    const text = 'name: n\nregions:\n  "9lives": { timezone: UTC, users: 1 }\n';
    expect(lines(loadScenario({ text, fileName: 'n.yaml' }))).toEqual([
      'n.yaml:3:3 regions.9lives: region names start with a letter and hold letters, digits, _ and -, got "9lives"',
    ]);
  });
});

describe('one line per bad value', () => {
  test('a value failing several checks is reported once, by its most specific reason', () => {
    const result = loadScenario('scenarios/quickstart.yaml', ['seed=1e20', 'chatServers.cores=1e308']);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => `${p.field}: ${p.reason}`)).toEqual([
      'seed: expected a non-negative integer of at most 9007199254740991, got 100000000000000000000',
      'chatServers.cores: expected a positive integer of at most 4096, got 1e+308',
    ]);
  });
});
