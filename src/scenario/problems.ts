/**
 * A problem in a scenario: the user's to fix, reported as data (file, line, column, field, reason),
 * all at once. The CLI converts these to its own InputProblem; this layer does not import the CLI.
 */
export interface ScenarioProblem {
  /** The scenario file as given, or `--set` for a problem in an override. */
  file?: string;
  /** 1-based line of the offending node (for an unknown field: of its key). */
  line?: number;
  /** 1-based column of the offending node. */
  column?: number;
  /** Dotted path of the field, e.g. `chatServers.cores` or `regions.eu.users`. */
  field?: string;
  /** What is wrong, e.g. `expected a positive integer, got -4`. */
  reason: string;
}

/** `scenarios/x.yaml:12:5 chatServers.cores: expected a positive integer, got -4` (no `error:` prefix). */
export function formatScenarioProblem(problem: ScenarioProblem): string {
  let where = problem.file ?? '';
  if (problem.file !== undefined && problem.line !== undefined) {
    where += `:${problem.line}`;
    if (problem.column !== undefined) where += `:${problem.column}`;
  }
  const parts = [where, problem.field ?? ''].filter((part) => part !== '');
  return `${parts.length > 0 ? `${parts.join(' ')}: ` : ''}${problem.reason}`;
}

/** Joins a path the way fields are named in problems: `workload.groups.share`. */
export function fieldName(path: readonly PropertyKey[]): string {
  return path.map((segment) => String(segment)).join('.');
}
