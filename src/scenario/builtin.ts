/**
 * Scenarios shipped in scenarios/: `chatscale run` with no argument runs quickstart, and any
 * command taking a scenario accepts a built-in name in place of a path.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BUILT_IN_SCENARIOS = ['quickstart', 'reference-chat'] as const;
export type BuiltInScenario = (typeof BUILT_IN_SCENARIOS)[number];

/** The package's scenarios/ folder (two levels above this file, in src/ and in dist/ alike). */
export function scenariosDir(): string {
  return fileURLToPath(new URL('../../scenarios/', import.meta.url));
}

export function builtInScenarioPath(name: BuiltInScenario): string {
  return join(scenariosDir(), `${name}.yaml`);
}

/**
 * A command's scenario argument: an existing path as is; otherwise a built-in name
 * (`quickstart`, `reference-chat`) becomes its file; anything else is returned unchanged so that
 * loading reports it as missing.
 */
export function resolveScenarioArgument(argument: string): string {
  if (existsSync(argument)) return argument;
  const name = argument.replace(/\.ya?ml$/, '');
  if ((BUILT_IN_SCENARIOS as readonly string[]).includes(name)) return builtInScenarioPath(name as BuiltInScenario);
  return argument;
}
