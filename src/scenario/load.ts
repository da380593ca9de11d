/**
 * Loading a scenario: read the file, parse YAML or JSON with node positions, apply `--set`
 * overrides, validate against the schema and the cross-checks, and resolve. Every problem is
 * collected and returned at once, each with file, line, column, field and reason; nothing here
 * throws for bad input.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import type * as z from 'zod';
import { LineCounter, parseDocument } from 'yaml';
import { crossCheck } from './cross-checks.js';
import { describeInput } from './fields.js';
import type { DistributionValidators } from './distributions.js';
import { issueToProblems, type PathProblem } from './issues.js';
import { applyOverrides, OVERRIDE_FILE, owningOverride, parseOverride, type Override } from './overrides.js';
import { fieldName, type ScenarioProblem } from './problems.js';
import { resolveScenario } from './resolve.js';
import type { ResolvedScenario } from './resolved.js';
import { buildScenarioSchema, DEFAULT_DISTRIBUTION_VALIDATORS, scenarioSchema, type ScenarioSchema } from './schema.js';
import { SourceMap } from './source-map.js';
import { decodeUtf8, firstAliasPosition, strictJsonProblem, syntaxReason } from './source-text.js';

/** Bound on YAML alias expansions: anchors are handy, exponential blow-ups are not. */
const ALIAS_COUNT_MAX = 1000;

/** A path to a scenario file, or its text with the name to report problems under. */
export type ScenarioSource = string | { text: string; fileName: string };

export interface LoadOptions {
  /** Judges distribution fields; defaults to the syntactic check (DEFAULT_DISTRIBUTION_VALIDATORS). */
  distributionValidators?: DistributionValidators;
  /** Relative paths in the scenario (costs.profile) resolve against this; default: the file's directory. */
  baseDir?: string;
}

export type LoadResult =
  | {
      ok: true;
      scenario: ResolvedScenario;
      /** The scenario's data as written, overrides applied (before units and defaults). */
      raw: Record<string, unknown>;
      /** The file name problems would be reported under. */
      file: string;
    }
  | { ok: false; problems: ScenarioProblem[] };

const schemas = new WeakMap<DistributionValidators, ScenarioSchema>();
function schemaFor(validators: DistributionValidators): ScenarioSchema {
  if (validators === DEFAULT_DISTRIBUTION_VALIDATORS) return scenarioSchema;
  let schema = schemas.get(validators);
  if (schema === undefined) {
    schema = buildScenarioSchema(validators);
    schemas.set(validators, schema);
  }
  return schema;
}

function readSource(source: ScenarioSource): { text: string; file: string; baseDir: string } | ScenarioProblem {
  if (typeof source !== 'string') return { text: source.text, file: source.fileName, baseDir: dirname(resolvePath(source.fileName)) };
  const file = source;
  if (file.trim() === '') return { file: '""', reason: 'expected a scenario file (.yaml, .yml or .json) or a built-in name (quickstart, reference-chat), got an empty name' };
  try {
    const stats = statSync(file);
    if (stats.isDirectory()) return { file, reason: 'is a directory; expected a scenario file (.yaml, .yml or .json)' };
    const decoded = decodeUtf8(readFileSync(file));
    if ('reason' in decoded) return { file, ...(decoded.line === undefined ? {} : { line: decoded.line }), reason: decoded.reason };
    return { text: decoded.text, file, baseDir: dirname(resolvePath(file)) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { file, reason: 'no such file' };
    if (code === 'EACCES') return { file, reason: 'permission denied' };
    return { file, reason: `cannot read: ${(error as Error).message}` };
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A problem and where it sorts: the file's by position, then the overrides' in the order given. */
interface Ranked {
  problem: ScenarioProblem;
  overrideIndex: number;
}

function byPosition(a: Ranked, b: Ranked): number {
  if (a.overrideIndex !== b.overrideIndex) return a.overrideIndex - b.overrideIndex;
  return (a.problem.line ?? 0) - (b.problem.line ?? 0) || (a.problem.column ?? 0) - (b.problem.column ?? 0);
}

function sorted(ranked: Ranked[]): ScenarioProblem[] {
  return [...ranked].sort(byPosition).map((entry) => entry.problem);
}

/** What is wrong with a calibration profile's shape, or null: it needs costsNs, op name to ns. */
function profileShapeProblem(profile: unknown): string | null {
  if (!isMapping(profile) || !isMapping(profile['costsNs'])) return 'expected a profile from chatscale calibrate, with costsNs: { operation: nanoseconds }';
  for (const [op, value] of Object.entries(profile['costsNs'])) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return `costsNs.${op}: expected a non-negative number of nanoseconds, got ${JSON.stringify(value)}`;
  }
  return null;
}

function checkProfile(data: Record<string, unknown>, baseDir: string): PathProblem[] {
  const costs = data['costs'];
  const profile = isMapping(costs) ? costs['profile'] : undefined;
  if (typeof profile !== 'string' || profile === '') return [];
  const path = resolvePath(baseDir, profile);
  try {
    if (statSync(path).isDirectory()) return [{ path: ['costs', 'profile'], reason: `${profile} is a directory; expected a JSON file from chatscale calibrate`, pointAt: 'value' }];
    const reason = profileShapeProblem(JSON.parse(readFileSync(path, 'utf8')));
    return reason === null ? [] : [{ path: ['costs', 'profile'], reason: `${profile}: ${reason}`, pointAt: 'value' }];
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? `no such file: ${path}` : error instanceof SyntaxError ? `${profile} is not valid JSON: ${error.message}` : `cannot read ${path}`;
    return [{ path: ['costs', 'profile'], reason, pointAt: 'value' }];
  }
}

/**
 * Loads, validates and resolves a scenario. `overrides` are `path=value` strings (`--set`).
 * Returns every problem at once, sorted by position, overrides' last.
 */
export function loadScenario(source: ScenarioSource, overrides: readonly string[] = [], options: LoadOptions = {}): LoadResult {
  const problems: Ranked[] = [];
  const parsedOverrides: Override[] = [];
  const overrideIndexes: number[] = [];
  for (const [index, text] of overrides.entries()) {
    const parsed = parseOverride(text);
    if ('reason' in parsed) {
      problems.push({ problem: parsed, overrideIndex: index });
    } else {
      parsedOverrides.push(parsed);
      overrideIndexes.push(index);
    }
  }
  const overrideProblems = () => sorted(problems);

  const read = readSource(source);
  if ('reason' in read) return { ok: false, problems: [read, ...overrideProblems()] };
  const { text, file } = read;
  const baseDir = options.baseDir ?? read.baseDir;

  // A .json file must be JSON: the YAML parser would also take trailing commas, comments and
  // unquoted keys, and a file other tools then refuse would pass here.
  if (/\.json$/i.test(file) && text.trim() !== '') {
    const jsonProblem = strictJsonProblem(text);
    if (jsonProblem !== null) return { ok: false, problems: [{ file, ...jsonProblem }, ...overrideProblems()] };
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { keepSourceTokens: true, lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  const sourceMap = new SourceMap(document, lineCounter);
  if (document.errors.length > 0) {
    const syntax: ScenarioProblem[] = [];
    const told = new Set<string>();
    for (const error of [...document.errors].sort((a, b) => a.pos[0] - b.pos[0])) {
      const reason = `${/\.json$/i.test(file) ? 'JSON' : 'YAML'} syntax: ${syntaxReason(error, text)}`;
      // A file nested too deeply fails once per level still open: one line says it.
      if (error.code === 'RESOURCE_EXHAUSTION' && told.has(reason)) continue;
      told.add(reason);
      const { line, column } = sourceMap.positionOfOffset(error.pos[0]);
      syntax.push({ file, line, column, reason });
    }
    return { ok: false, problems: [...syntax, ...overrideProblems()] };
  }
  if (document.contents === null || text.trim() === '') {
    return { ok: false, problems: [{ file, reason: 'the file is empty; a scenario needs at least a name and regions' }, ...overrideProblems()] };
  }
  let written: unknown;
  try {
    written = document.toJS({ maxAliasCount: ALIAS_COUNT_MAX });
  } catch (error) {
    // The yaml package refuses alias bombs (a few lines expanding to gigabytes) and aliases with no
    // anchor by throwing, without a position: the first alias that cannot resolve, or else the
    // first alias, is where to look.
    const position = firstAliasPosition(document, sourceMap);
    return { ok: false, problems: [{ file, ...position, reason: `YAML: ${(error as Error).message}` }, ...overrideProblems()] };
  }
  if (!isMapping(written)) {
    const position = sourceMap.positionOf([]);
    return {
      ok: false,
      problems: [
        { file, ...position, reason: `expected a mapping of scenario fields (name, regions, workload, ...) at the top level, got ${Array.isArray(written) ? 'a list' : JSON.stringify(written)}` },
        ...overrideProblems(),
      ],
    };
  }

  const applied = applyOverrides(written, parsedOverrides);
  // applyOverrides numbers the overrides it was given; map back to their place on the command line.
  const commandLineIndex = (index: number) => overrideIndexes[index] ?? index;
  for (const entry of applied.problems) problems.push({ problem: entry.problem, overrideIndex: commandLineIndex(entry.overrideIndex) });
  const data = applied.data;

  const schema = schemaFor(options.distributionValidators ?? DEFAULT_DISTRIBUTION_VALIDATORS);
  const result = schema.safeParse(data);
  const pathProblems: PathProblem[] = reservedKeyProblems(data);
  const reservedPaths = new Set(pathProblems.map((problem) => problem.path.join('\u0000')));
  const tagged = taggedValues(data);
  const belowTagged = (path: readonly PropertyKey[], orAt: boolean) =>
    tagged.some((t) => (orAt ? path.length >= t.path.length : path.length > t.path.length) && t.path.every((key, i) => path[i] === key));
  const tagProblems: PathProblem[] = [];
  if (!result.success) {
    // One value can fail several checks (1e20 is neither a safe integer nor under the maximum);
    // the user gets one line for it: the last check's, which is the most specific.
    const byPath = new Map<string, PathProblem>();
    for (const issue of result.error.issues) {
      for (const problem of issueToProblems(issue, schema as z.ZodType)) {
        const key = problem.path.join('\u0000');
        byPath.delete(key);
        byPath.set(key, problem);
      }
    }
    for (const [key, problem] of byPath) if (!reservedPaths.has(key) && !belowTagged(problem.path, false)) pathProblems.push(problem);
  }
  // A tagged value where the schema said nothing (a set or bytes taken for a mapping) gets its own
  // line; where the schema said what it expected, that line stands.
  for (const t of tagged) {
    const key = t.path.join('\u0000');
    if (!pathProblems.some((problem) => problem.path.join('\u0000') === key)) tagProblems.push({ path: t.path, reason: `got ${describeInput(t.value)}, which no scenario field takes; write a plain mapping, list or value`, pointAt: 'value' });
  }
  pathProblems.push(...tagProblems);
  for (const cross of crossCheck(data)) {
    if (!belowTagged(cross.path, true)) pathProblems.push({ path: cross.path, reason: cross.reason, pointAt: cross.pointAt ?? 'value' });
  }
  pathProblems.push(...checkProfile(data, baseDir));

  const seen = new Set<string>();
  for (const problem of pathProblems) {
    const field = fieldName(problem.path);
    const owner = owningOverride(problem.path, applied.ownedPaths);
    const located: ScenarioProblem =
      owner >= 0
        ? { file: OVERRIDE_FILE, field, reason: problem.reason }
        : { file, ...sourceMap.positionOf(problem.path, problem.pointAt), field, reason: problem.reason };
    if (located.field === '') delete located.field;
    const key = `${located.file}:${located.line}:${located.column}:${located.field}:${located.reason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ problem: located, overrideIndex: owner >= 0 ? commandLineIndex(owner) : -1 });
  }

  if (problems.length > 0 || !result.success) return { ok: false, problems: sorted(problems) };
  return { ok: true, scenario: resolveScenario(result.data, { baseDir }), raw: data, file };
}

/**
 * Values that YAML tags make into something other than a mapping, a list or a plain value
 * (`!!set`, `!!binary`, `!!timestamp`, `!!omap` as a Map), at any depth. The schema takes a Set or
 * a byte array for a mapping (an object either way): `costs: !!set {route}` passed as an empty
 * table, and `chatServers: !!binary AAAA` gave one "unknown field" per byte.
 */
function taggedValues(data: unknown): Array<{ path: PropertyKey[]; value: unknown }> {
  const found: Array<{ path: PropertyKey[]; value: unknown }> = [];
  const pending: Array<{ value: unknown; path: PropertyKey[] }> = [{ value: data, path: [] }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, path } = next;
    if (typeof value !== 'object' || value === null) continue;
    if (value instanceof Set || value instanceof Map || value instanceof Date || ArrayBuffer.isView(value)) {
      found.push({ path, value });
      continue;
    }
    for (const key of Object.keys(value)) if (key !== '__proto__') pending.push({ value: (value as Record<string, unknown>)[key], path: [...path, key] });
  }
  return found;
}

/**
 * Keys named `__proto__`, at any depth. YAML and structuredClone keep such a key as an ordinary
 * field, but zod's record drops it without an issue, so a region or link of that name vanished
 * between validation and resolution (an internal error, "no regions"). No scenario field or name may
 * be `__proto__`; region names must start with a letter anyway.
 */
function reservedKeyProblems(data: unknown): PathProblem[] {
  const problems: PathProblem[] = [];
  // A stack, not recursion: the data may nest as deep as the YAML parser allows.
  const pending: Array<{ value: unknown; path: PropertyKey[] }> = [{ value: data, path: [] }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, path } = next;
    if (typeof value !== 'object' || value === null) continue;
    for (const key of Object.keys(value)) {
      if (key === '__proto__') problems.push({ path: [...path, key], reason: '"__proto__" is reserved and cannot be a field or a name', pointAt: 'key' });
      else pending.push({ value: (value as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
  return problems;
}
