/** A calibration profile's measured costs apply to operations the cost table does not list. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/index.js';

function scenarioWithProfile(profile: unknown, table = 'route: 30us') {
  const dir = mkdtempSync(join(tmpdir(), 'chatscale-profile-'));
  writeFileSync(join(dir, 'calibrated.json'), JSON.stringify(profile));
  const text = `name: p\nregions: { a: { timezone: UTC, users: 1000 } }\ncosts: { profile: calibrated.json, ${table} }\n`;
  writeFileSync(join(dir, 's.yaml'), text);
  return loadScenario(join(dir, 's.yaml'));
}

describe('costs.profile', () => {
  it('uses measured means for unlisted operations and the table for listed ones', () => {
    const result = scenarioWithProfile({ machine: {}, costsNs: { route: 311, deliver: 98, ack: 109 } });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const ops = result.scenario.costs.opsNs;
    expect(ops.route).toMatchObject({ source: 'table', costNs: { constant: 30_000 } });
    expect(ops.deliver).toMatchObject({ source: 'profile', costNs: { constant: 98 } });
    expect(ops.ack).toMatchObject({ source: 'profile', costNs: { constant: 109 } });
    expect(ops.store.source).toBe('builtIn');
  });

  it('reports a profile of the wrong shape at the profile field', () => {
    const result = scenarioWithProfile({ costsNs: { route: -5 } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]!.field).toBe('costs.profile');
    expect(result.problems[0]!.reason).toBe('calibrated.json: costsNs.route: expected a non-negative number of nanoseconds, got -5');
  });
});
