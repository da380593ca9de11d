/**
 * Loading a scenario named on the command line, shared by every command that takes one: the file
 * or built-in name, `--set` overrides and `--seed`, with every problem turned into one BadInputError.
 */
import { loadScenario, resolveScenarioArgument, type ResolvedScenario, type ScenarioProblem } from '../scenario/index.js';
import { BadInputError, type InputProblem } from './errors.js';

export interface ScenarioFlags {
  set: string[];
  seed?: string;
}

export interface LoadedScenario {
  scenario: ResolvedScenario;
  file: string;
}

export function toInputProblem(problem: ScenarioProblem): InputProblem {
  return { ...problem };
}

export function collectRepeatable(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function loadScenarioArgument(argument: string, flags: ScenarioFlags): LoadedScenario {
  const problems: InputProblem[] = [];
  const overrides = [...flags.set];
  if (flags.seed !== undefined) {
    if (/^\d+$/.test(flags.seed) && Number(flags.seed) <= Number.MAX_SAFE_INTEGER) overrides.push(`seed=${flags.seed}`);
    else problems.push({ field: '--seed', reason: `expected a non-negative integer, got ${JSON.stringify(flags.seed)}` });
  }
  const result = loadScenario(resolveScenarioArgument(argument), overrides);
  if (!result.ok) problems.push(...result.problems.map(toInputProblem));
  if (!result.ok || problems.length > 0) throw new BadInputError(problems);
  return { scenario: result.scenario, file: result.file };
}
