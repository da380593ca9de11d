/**
 * `--set path=value` overrides, applied to the scenario's data before validation so that an
 * override is checked exactly like the file. The value is YAML (a scalar or flow collection):
 * `--set chatServers.perRegion=40`, `--set workload.groups.share=30%`,
 * `--set regions.eu.users=40e6`, `--set 'links.eu-us={latency: 90ms}'`. An empty value, `null` or
 * `~` removes the field, so a default applies again (or a field can give way to an alternative:
 * `--set workload.messagesPerUserPerDay=null --set workload.messagesPerSecond=1000/s`).
 */
import { parseDocument } from 'yaml';

/** Path segments that would reach an object's prototype rather than a field. */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);
import type { ScenarioProblem } from './problems.js';

/** Problems in overrides name this as their file. */
export const OVERRIDE_FILE = '--set';

export interface Override {
  /** The override as given, `chatServers.perRegion=40`. */
  text: string;
  path: string[];
  /** The parsed value; undefined removes the field. */
  value: unknown;
}

export function parseOverride(text: string): Override | ScenarioProblem {
  const equals = text.indexOf('=');
  if (equals < 0) return { file: OVERRIDE_FILE, field: text, reason: 'expected path=value, such as chatServers.perRegion=40' };
  const pathText = text.slice(0, equals).trim();
  const valueText = text.slice(equals + 1);
  const path = pathText.split('.');
  if (pathText === '' || path.some((segment) => segment.trim() === '')) {
    return { file: OVERRIDE_FILE, field: pathText, reason: `expected a dotted field path such as chatServers.perRegion, got ${JSON.stringify(pathText)}` };
  }
  const document = parseDocument(valueText, { prettyErrors: false, logLevel: 'error' });
  const error = document.errors[0];
  if (error !== undefined) {
    return { file: OVERRIDE_FILE, field: pathText, reason: `the value ${JSON.stringify(valueText)} is not valid YAML: ${error.message}` };
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // An alias with no anchor in the value (`*a`; a --set value cannot see the file's anchors), or
    // an alias bomb: the yaml package throws rather than reporting these as document errors.
    return { file: OVERRIDE_FILE, field: pathText, reason: `the value ${JSON.stringify(valueText)} is not valid YAML here: ${(error as Error).message.split('\n')[0]}` };
  }
  return { text, path: path.map((segment) => segment.trim()), value: value === null ? undefined : value };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

/** Applies overrides in order to a copy of the data; a path through a non-mapping is a problem. */
export function applyOverrides(
  data: Record<string, unknown>,
  overrides: readonly Override[],
): { data: Record<string, unknown>; problems: { problem: ScenarioProblem; overrideIndex: number }[]; ownedPaths: OwnedPath[] } {
  const result = structuredClone(data);
  const problems: { problem: ScenarioProblem; overrideIndex: number }[] = [];
  // Paths whose content came from overrides (set, or created on the way): their problems are `--set`'s.
  const ownedPaths: OwnedPath[] = [];
  for (const [overrideIndex, override] of overrides.entries()) {
    // A path through an object's prototype machinery would write onto Object.prototype for the
    // whole process: no scenario field has these names, so they are refused outright.
    const forbidden = override.path.find((segment) => FORBIDDEN_SEGMENTS.has(segment));
    if (forbidden !== undefined) {
      problems.push({ problem: { file: OVERRIDE_FILE, field: override.path.join('.'), reason: `"${forbidden}" is not a scenario field` }, overrideIndex });
      continue;
    }
    let target: Record<string, unknown> = result;
    let blocked = false;
    for (const [index, segment] of override.path.slice(0, -1).entries()) {
      const next = Object.hasOwn(target, segment) ? target[segment] : undefined;
      if (next === undefined || next === null) {
        if (override.value === undefined) {
          blocked = true; // Removing below a missing field: nothing to remove.
          break;
        }
        const created: Record<string, unknown> = {};
        target[segment] = created;
        ownedPaths.push({ path: override.path.slice(0, index + 1), overrideIndex });
        target = created;
      } else if (isMapping(next)) {
        target = next;
      } else {
        problems.push({
          problem: {
            file: OVERRIDE_FILE,
            field: override.path.join('.'),
            reason: `${override.path.slice(0, index + 1).join('.')} is ${kindOf(next)}, not a mapping, so it has no field ${JSON.stringify(override.path[index + 1])}`,
          },
          overrideIndex,
        });
        blocked = true;
        break;
      }
    }
    if (blocked) continue;
    const last = override.path[override.path.length - 1] ?? '';
    if (override.value === undefined) delete target[last];
    else target[last] = override.value;
    ownedPaths.push({ path: override.path, overrideIndex });
  }
  return { data: result, problems, ownedPaths };
}

/** A path whose content an override wrote, and which override (its position among them). */
export interface OwnedPath {
  path: string[];
  overrideIndex: number;
}

/**
 * The override that wrote `path` or a field above it (its problems belong to `--set`): the last
 * such override, since later ones win; -1 when the value comes from the file.
 */
export function owningOverride(path: readonly PropertyKey[], ownedPaths: readonly OwnedPath[]): number {
  let owner = -1;
  for (const owned of ownedPaths) {
    if (owned.path.length <= path.length && owned.path.every((segment, index) => segment === String(path[index]))) {
      owner = Math.max(owner, owned.overrideIndex);
    }
  }
  return owner;
}
