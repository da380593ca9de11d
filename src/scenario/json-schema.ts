/**
 * schema/scenario.schema.json, generated from the zod schema (the input side: what a person
 * writes). `npm run schema` rewrites the file; a test asserts the checked-in copy is current.
 */
import * as z from 'zod';
import { scenarioSchema } from './schema.js';

export function scenarioJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(scenarioSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'throw' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return { $schema, title: 'chatscale scenario', ...rest };
}

/** The file's exact text: two-space JSON and a final newline. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

const RECORD_PLACEHOLDERS: Record<string, string> = {
  regions: '<region>',
  links: '<a-b>',
  devicesPerUser: '<devices>',
  diurnal: '<hour>',
};

/**
 * A Markdown table of every field (dotted path, default, description) from the JSON Schema, for
 * the README: `node scripts/gen-schema.mjs --markdown` prints it.
 */
export function scenarioFieldsMarkdown(): string {
  const rows: string[] = ['| field | default | description |', '| --- | --- | --- |'];
  const visit = (node: Record<string, unknown>, path: string, key: string): void => {
    const properties = node['properties'] as Record<string, Record<string, unknown>> | undefined;
    if (properties !== undefined) {
      for (const [name, child] of Object.entries(properties)) {
        if (name.startsWith('$')) continue;
        const childPath = path === '' ? name : `${path}.${name}`;
        const fallback = child['default'];
        const shown = fallback === undefined ? '' : typeof fallback === 'string' ? fallback : JSON.stringify(fallback);
        const description = String(child['description'] ?? '').replaceAll('|', '\\|');
        rows.push(`| \`${childPath}\` | ${shown === '' ? '' : `\`${shown.replaceAll('|', '\\|')}\``} | ${description} |`);
        visit(child, childPath, name);
      }
    }
    const additional = node['additionalProperties'];
    if (typeof additional === 'object' && additional !== null) {
      visit(additional as Record<string, unknown>, `${path}.${RECORD_PLACEHOLDERS[key] ?? '<name>'}`, '');
    }
    for (const option of (node['anyOf'] as Record<string, unknown>[] | undefined) ?? []) visit(option, path, key);
  };
  visit(scenarioJsonSchema(), '', '');
  return `${rows.join('\n')}\n`;
}
