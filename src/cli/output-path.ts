/**
 * Checks of the paths a command will write, made before any work starts: a long run must never end
 * in an unusable path, and nothing the user has is overwritten (the brief's bad-input rule). Each
 * problem names the flag and the reason; the callers turn them into exit 2.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { InputProblem } from './errors.js';

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The nearest existing ancestor of a path must be a folder, or nothing can be created under it. */
function ancestorProblem(path: string, flag: string): InputProblem | null {
  let dir = dirname(resolve(path));
  while (!existsSync(dir)) {
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return isDirectory(dir) ? null : { field: flag, reason: `${path}: ${dir} is a file, not a folder` };
}

/**
 * A file the command will create: it must not be a folder, its folder must exist, and (unless
 * `overwrite`) it must not exist already.
 */
export function outputFileProblems(path: string, flag: string, options: { overwrite?: boolean; createFolders?: boolean } = {}): InputProblem[] {
  if (path.trim() === '') return [{ field: flag, reason: 'expected a file name' }];
  if (isDirectory(path)) return [{ field: flag, reason: `${path} is a folder; expected a file name` }];
  if (existsSync(path) && options.overwrite !== true) return [{ field: flag, reason: `${path} exists; choose another name or remove it (nothing is overwritten)` }];
  const folder = dirname(resolve(path));
  if (options.createFolders === true) {
    const problem = ancestorProblem(path, flag);
    return problem === null ? [] : [problem];
  }
  if (!isDirectory(folder)) return [{ field: flag, reason: `${path}: no such folder ${folder}` }];
  return [];
}

/** A folder the command will create files in (made if missing): no file may stand in its place. */
export function outputFolderProblems(path: string, flag: string): InputProblem[] {
  if (existsSync(path) && !isDirectory(path)) return [{ field: flag, reason: `${path} is a file; expected a folder` }];
  const problem = ancestorProblem(path, flag);
  return problem === null ? [] : [problem];
}
