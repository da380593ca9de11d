#!/usr/bin/env node
// Writes schema/scenario.schema.json from the zod scenario schema (src/scenario/schema.ts), via
// the compiled dist/ (run by `npm run schema`, which builds first). `--check` only compares and
// exits 1 when the checked-in file is stale; `--markdown` prints a field table for the README.
// test/scenario/json-schema.test.ts checks the same.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const target = fileURLToPath(new URL('../schema/scenario.schema.json', import.meta.url));
const { scenarioJsonSchemaText, scenarioFieldsMarkdown } = await import('../dist/scenario/json-schema.js');
const text = scenarioJsonSchemaText();
if (process.argv.includes('--markdown')) {
  // A field-by-field table for the README, from the same schema.
  process.stdout.write(scenarioFieldsMarkdown());
} else if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // A missing file is stale.
  }
  if (current !== text) {
    process.stderr.write('schema/scenario.schema.json is out of date; run `npm run schema`\n');
    process.exit(1);
  }
  process.stdout.write('schema/scenario.schema.json is up to date\n');
} else {
  writeFileSync(target, text);
  process.stdout.write(`wrote schema/scenario.schema.json (${text.length} characters)\n`);
}
