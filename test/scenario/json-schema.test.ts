import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { COST_OPS, scenarioFieldsMarkdown, scenarioJsonSchema, scenarioJsonSchemaText } from '../../src/scenario/index.js';
import { UNIT_PATTERNS } from '../../src/scenario/fields.js';

describe('schema/scenario.schema.json', () => {
  test('the checked-in file equals a fresh generation (run `npm run schema` when this fails)', () => {
    const checkedIn = readFileSync(new URL('../../schema/scenario.schema.json', import.meta.url), 'utf8');
    expect(checkedIn).toBe(scenarioJsonSchemaText());
  });

  test('it is strict and documented: no unknown fields, every field described', () => {
    const schema = scenarioJsonSchema() as { additionalProperties: boolean; properties: Record<string, { description?: string; properties?: Record<string, { description?: string }> }> };
    expect(schema.additionalProperties).toBe(false);
    const undocumented: string[] = [];
    const visit = (node: unknown, path: string): void => {
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      const properties = record['properties'];
      if (typeof properties === 'object' && properties !== null) {
        for (const [key, child] of Object.entries(properties as Record<string, Record<string, unknown>>)) {
          if (typeof child['description'] !== 'string') undocumented.push(`${path}${key}`);
          visit(child, `${path}${key}.`);
        }
      }
      for (const nested of ['additionalProperties', 'anyOf']) {
        const value = record[nested];
        if (Array.isArray(value)) value.forEach((item) => visit(item, path));
        else visit(value, `${path}*.`);
      }
    };
    visit(schema, '');
    expect(undocumented).toEqual([]);
    const costs = schema.properties['costs']?.properties ?? {};
    expect(Object.keys(costs)).toEqual(['profile', 'scale', 'others', ...COST_OPS]);
  });

  test('the editor hints (patterns) accept what the parsers accept', () => {
    const accepts = (kind: keyof typeof UNIT_PATTERNS, text: string) => new RegExp(UNIT_PATTERNS[kind], 'u').test(text);
    for (const text of ['30ms', '200us', '5min', '0', '1.5e3s']) expect(accepts('duration', text)).toBe(true);
    for (const text of ['64GiB', '200B', '1.5MB']) expect(accepts('size', text)).toBe(true);
    for (const text of ['10Gbps', '2.5Gbit/s', '125MB/s', 'unlimited']) expect(accepts('bandwidth', text)).toBe(true);
    for (const text of ['25%', '0.01%']) expect(accepts('percent', text)).toBe(true);
    for (const text of ['200000/s', '40/day', '342k/s']) expect(accepts('rate', text)).toBe(true);
    for (const text of ['1.5e9', '40M']) expect(accepts('count', text)).toBe(true);
    expect(accepts('duration', '30')).toBe(false);
    expect(accepts('percent', '25')).toBe(false);
  });

  test('the README field table comes from the same schema', () => {
    const table = scenarioFieldsMarkdown().split('\n');
    expect(table).toContain('| `chatServers.cores` | `8` | CPU cores per chat server; operations queue FIFO for the first free core (default 8). |');
    expect(table.some((row) => row.startsWith('| `regions.<region>.users` |'))).toBe(true);
    expect(table.some((row) => row.startsWith('| `costs.senderKey` |'))).toBe(true);
  });
});
