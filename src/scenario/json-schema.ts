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
