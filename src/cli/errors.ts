/**
 * Exit codes (DESIGN.md section 9) and the typed errors that map to them.
 * Bad input is the user's to fix: it carries one line per problem and never prints a stack.
 */
export const EXIT_OK = 0;
export const EXIT_GATE_FAILED = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_INTERNAL = 3;

/** One problem in the user's input, rendered as `error: file:line:col field: reason`. */
export interface InputProblem {
  file?: string;
  line?: number;
  column?: number;
  field?: string;
  reason: string;
}

export function formatProblem(problem: InputProblem): string {
  let where = '';
  if (problem.file !== undefined) {
    where = problem.file;
    if (problem.line !== undefined) {
      where += `:${problem.line}`;
      if (problem.column !== undefined) where += `:${problem.column}`;
    }
  }
  const parts = [where, problem.field].filter((part) => part !== undefined && part !== '');
  return `error: ${parts.length > 0 ? `${parts.join(' ')}: ` : ''}${problem.reason}`;
}

/** Thrown anywhere below the CLI when input is bad; the CLI prints every problem and exits 2. */
export class BadInputError extends Error {
  readonly problems: InputProblem[];
  constructor(problems: InputProblem[] | InputProblem) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(list.map(formatProblem).join('\n'));
    this.name = 'BadInputError';
    this.problems = list;
  }
}

/** A gate (SLO, regression) that did not pass: a result, not a crash. Exit 1. */
export class GateFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GateFailedError';
  }
}
