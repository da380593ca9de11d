/**
 * Checks of the paths a command will write, made before any work starts: a long run must never end
 * in an unusable path, and nothing the user has is overwritten (the brief's bad-input rule). Each
 * problem names the flag and the reason; the callers turn them into exit 2.
 */
import { existsSync, mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BadInputError, type InputProblem } from './errors.js';

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function nearestExisting(path: string): string {
  let dir = path;
  while (!existsSync(dir)) {
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return dir;
}

/**
 * Whether a file can be created in `folder`, found by creating and removing an empty probe file:
 * permission bits do not tell (root passes access() on a read-only mount or on /proc, where
 * creating anything fails), and a run must not learn it only when writing its results.
 */
function writableProblem(folder: string, path: string, flag: string): InputProblem | null {
  const probe = join(folder, `.chatscale-write-probe-${process.pid}`);
  try {
    writeFileSync(probe, '', { flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return { field: flag, reason: `${path}: cannot create files in ${folder} (${code})` };
  }
  try {
    unlinkSync(probe);
  } catch {
    // Made by this process a moment ago; if it cannot go, it is empty and harmless.
  }
  return null;
}

/**
 * The nearest existing ancestor of a path must be a folder that files can be created in, or
 * nothing can be created under it.
 */
function ancestorProblem(path: string, flag: string): InputProblem | null {
  const dir = nearestExisting(dirname(resolve(path)));
  if (!isDirectory(dir)) return { field: flag, reason: `${path}: ${dir} is a file, not a folder` };
  return writableProblem(dir, path, flag);
}

/**
 * Makes a folder and its missing parents, one level at a time. Why not mkdirSync's `recursive`:
 * under /proc it loops for ever instead of failing (Node.js 20), and the check above cannot rule
 * out every such file system.
 */
export function makeFolders(path: string): void {
  const missing: string[] = [];
  for (let dir = resolve(path); !existsSync(dir); dir = dirname(dir)) {
    missing.push(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of missing.reverse()) mkdirSync(dir);
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
  if (existsSync(path)) return []; // overwriting a file the user named: its folder held it already
  const problem = writableProblem(folder, path, flag);
  return problem === null ? [] : [problem];
}

/** A folder the command will create files in (made if missing): no file may stand in its place. */
export function outputFolderProblems(path: string, flag: string): InputProblem[] {
  if (existsSync(path) && !isDirectory(path)) return [{ field: flag, reason: `${path} is a file; expected a folder` }];
  const problem = ancestorProblem(path, flag);
  return problem === null ? [] : [problem];
}

/**
 * Writes a result file after the work is done. The paths were checked before the work started, but
 * a folder can change in the meantime (or refuse in ways no check sees): a failure is then one
 * line, for the flag, not a stack trace. The caller prints its main output first, so that is kept.
 */
export function writeAfterRun(flag: string, write: () => void): void {
  try {
    write();
  } catch (error) {
    throw writeFailure(flag, error);
  }
}

export async function writeAfterRunAsync(flag: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    throw writeFailure(flag, error);
  }
}

function writeFailure(flag: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string') return error; // not a file system error: a bug, reported as such
  return new BadInputError({ field: flag, reason: `could not write: ${(error as Error).message}` });
}
