import { describe, expect, it } from 'vitest';
import {
  ConstantDistribution,
  type DistributionParseResult,
  ExponentialDistribution,
  isDistributionParseError,
  LognormalDistribution,
  NormalDistribution,
  ParetoDistribution,
  parseDistribution,
  TruncatedNormalDistribution,
  UniformDistribution,
  ZipfDistribution,
} from '../../src/sim/distributions/index.js';

/** A stand-in for the scenario layer's unit parser: times in ns, plain numbers as they are. */
function stubUnits(text: string): number | { error: string } {
  const match = /^([+-]?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*(ns|us|ms|s)?$/i.exec(text);
  if (match === null) return { error: `cannot read '${text}' as a time` };
  const scale = { ns: 1, us: 1e3, ms: 1e6, s: 1e9 }[match[2]?.toLowerCase() ?? 'ns'] ?? 1;
  return Number(match[1]) * scale;
}

function parse(text: string, nonNegative = false): DistributionParseResult {
  return parseDistribution(text, stubUnits, { nonNegative });
}

function reasonOf(text: string, nonNegative = false): string {
  const result = parse(text, nonNegative);
  if (!isDistributionParseError(result)) throw new Error(`expected '${text}' to be refused, got ${result.describe()}`);
  return result.reason;
}

describe('parseDistribution: accepted forms', () => {
  it('a bare quantity is a constant', () => {
    const d = parse('30ms');
    expect(d).toBeInstanceOf(ConstantDistribution);
    expect((d as ConstantDistribution).value).toBe(30e6);
    expect((parse('5') as ConstantDistribution).value).toBe(5);
    expect((parse('const(2us)') as ConstantDistribution).value).toBe(2000);
  });

  it('exp and exponential take a mean', () => {
    for (const text of ['exp(200us)', 'exponential(200us)', '  Exp( 200us ) ', 'exp(mean=200us)']) {
      const d = parse(text);
      expect(d).toBeInstanceOf(ExponentialDistribution);
      expect((d as ExponentialDistribution).mean).toBe(200_000);
    }
  });

  it('uniform, normal, lognormal, pareto, zipf carry their parameters', () => {
    const u = parse('uniform(10ms, 20ms)') as UniformDistribution;
    expect(u).toBeInstanceOf(UniformDistribution);
    expect([u.min, u.max]).toEqual([10e6, 20e6]);

    const n = parse('normal(50ms, 5ms)') as NormalDistribution;
    expect(n).toBeInstanceOf(NormalDistribution);
    expect([n.mean, n.sd]).toEqual([50e6, 5e6]);

    const l = parse('lognormal(35ms, 0.4)') as LognormalDistribution;
    expect(l).toBeInstanceOf(LognormalDistribution);
    expect([l.median, l.sigma]).toEqual([35e6, 0.4]);

    const lc = parse('lognormal(mean=40ms, cv=0.5)') as LognormalDistribution;
    expect(lc.mean).toBeCloseTo(40e6, 4);
    expect(Math.sqrt(lc.variance) / lc.mean).toBeCloseTo(0.5, 12);

    const p = parse('pareto(1.5, 3, 1024)') as ParetoDistribution;
    expect(p).toBeInstanceOf(ParetoDistribution);
    expect([p.alpha, p.min, p.max]).toEqual([1.5, 3, 1024]);
    expect((parse('pareto(1.5, 3)') as ParetoDistribution).max).toBe(Infinity);

    const z = parse('zipf(1.1, 1e9)') as ZipfDistribution;
    expect(z).toBeInstanceOf(ZipfDistribution);
    expect([z.s, z.n]).toEqual([1.1, 1e9]);
  });

  it('nonNegative makes normal a normal truncated at 0', () => {
    const d = parse('normal(1ms, 2ms)', true);
    expect(d).toBeInstanceOf(TruncatedNormalDistribution);
    expect((d as TruncatedNormalDistribution).lower).toBe(0);
    expect((d as TruncatedNormalDistribution).mean).toBeGreaterThan(1e6);
  });

  it('describes what it parsed', () => {
    expect((parse('lognormal(35ms, 0.4)') as LognormalDistribution).describe()).toBe('lognormal(median=35000000, sigma=0.4)');
    expect((parse('zipf(1.1, 1e9)') as ZipfDistribution).describe()).toBe('zipf(s=1.1, n=1000000000)');
  });
});

describe('parseDistribution: errors are returned with reasons, never thrown', () => {
  const cases: Array<[string, RegExp, boolean?]> = [
    ['', /empty/],
    ['   ', /empty/],
    ['foo(1ms)', /unknown distribution 'foo'.*exponential/],
    ['exp(', /balanced parentheses/],
    ['exp(1ms))', /balanced parentheses/],
    ['exp((1ms))', /balanced parentheses/],
    ['exp()', /missing mean/],
    ['exp(1ms, 2ms)', /at most 1 argument, got 2/],
    ['exp(0ms)', /mean must be a finite number > 0/],
    ['exp(3 parsecs)', /mean: cannot read '3 parsecs' as a time/],
    ['exp(rate=5)', /no parameter 'rate'/],
    ['exp(mean=1ms, mean=2ms)', /mean given twice/],
    ['uniform(20ms, 10ms)', /min must be <= max/],
    ['uniform(10ms)', /missing max/],
    ['uniform(max=1ms, 2ms)', /positional argument '2ms' after a named one/],
    ['normal(50ms, -5ms)', /sd must be a finite number > 0/],
    ['lognormal(35ms, abc)', /sigma: expected a plain number, got 'abc'/],
    ['lognormal(35ms, 0.4ms)', /sigma: expected a plain number/],
    ['lognormal(35ms)', /median and sigma/],
    ['lognormal(median=35ms, cv=0.3)', /either median and sigma, or mean and cv/],
    ['lognormal(mean=35ms)', /needs cv/],
    ['pareto(1.5)', /missing min/],
    ['pareto(0, 3)', /alpha must be a finite number > 0/],
    ['pareto(1.5, 3, 2)', /max must be > min/],
    ['zipf(1.1)', /missing n/],
    ['zipf(1.1, 1.5)', /n must be an integer/],
    ['zipf(-1, 10)', /s must be a finite number >= 0/],
    ['zipf(1.1, 1e9, 3)', /at most 2 arguments/],
    ['uniform(-1ms, 1ms)', /min must be >= 0 here/, true],
    ['-3ms', /value must be >= 0 here/, true],
  ];
  for (const [text, pattern, nonNegative] of cases) {
    it(`'${text}'${nonNegative === true ? ' (non-negative)' : ''}`, () => {
      expect(reasonOf(text, nonNegative === true)).toMatch(pattern);
    });
  }

  it('quotes the input text in the reason', () => {
    expect(reasonOf('normal(50ms, -5ms)')).toMatch(/^'normal\(50ms, -5ms\)': /);
  });

  it('reports a unit parser that throws as a reason', () => {
    const throwing = (): number => {
      throw new Error('units exploded');
    };
    const result = parseDistribution('exp(1ms)', throwing);
    expect(isDistributionParseError(result) && result.reason).toMatch(/mean: units exploded/);
  });
});
