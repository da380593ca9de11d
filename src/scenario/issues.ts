/**
 * From zod issues to located problems: unknown keys get a did-you-mean over the keys the schema
 * knows at that level, record keys point at the key, and a union whose input matched one option's
 * shape reports that option's own issues (so a bad hour in `diurnal: {25: 1}` is named exactly).
 */
import type * as z from 'zod';
import { suggestion } from './did-you-mean.js';

export interface PathProblem {
  path: PropertyKey[];
  reason: string;
  pointAt: 'key' | 'value';
}

interface Definition {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
}

function definitionOf(schema: z.ZodType): Definition {
  return (schema as unknown as { _zod: { def: Definition } })._zod.def;
}

/** Unwraps optional, default, prefault, pipes and transforms down to the structural schema. */
function unwrap(schema: z.ZodType): z.ZodType[] {
  const definition = definitionOf(schema);
  if (definition.innerType !== undefined) return unwrap(definition.innerType);
  if (definition.type === 'pipe' && definition.in !== undefined) return unwrap(definition.in);
  if (definition.type === 'union' && definition.options !== undefined) return definition.options.flatMap(unwrap);
  return [schema];
}

/** The field names an object schema at `path` accepts (empty when the path leads elsewhere). */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let candidates = unwrap(schema);
  for (const segment of path) {
    const next: z.ZodType[] = [];
    for (const candidate of candidates) {
      const definition = definitionOf(candidate);
      const child = definition.type === 'object' ? definition.shape?.[String(segment)] : definition.type === 'record' ? definition.valueType : undefined;
      if (child !== undefined) next.push(...unwrap(child));
    }
    candidates = next;
  }
  const keys = new Set<string>();
  for (const candidate of candidates) {
    const definition = definitionOf(candidate);
    if (definition.type === 'object') for (const key of Object.keys(definition.shape ?? {})) keys.add(key);
  }
  return [...keys].filter((key) => !key.startsWith('$'));
}

export function issueToProblems(issue: z.core.$ZodIssue, schema: z.ZodType, prefix: readonly PropertyKey[] = []): PathProblem[] {
  const path = [...prefix, ...issue.path];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeysAt(schema, path);
      return issue.keys.map((key) => ({ path: [...path, key], reason: `unknown field "${key}"${suggestion(key, known)}`, pointAt: 'key' as const }));
    }
    case 'invalid_key': {
      const reason = issue.issues[0]?.message ?? issue.message;
      return [{ path, reason, pointAt: 'key' }];
    }
    case 'invalid_union': {
      // An option whose issues all lie below the root matched the input's shape: report its issues.
      const matched = issue.errors.filter((errors) => errors.length > 0 && errors.every((inner) => inner.path.length > 0));
      const only = matched[0];
      if (matched.length === 1 && only !== undefined) return only.flatMap((inner) => issueToProblems(inner, schema, path));
      return [{ path, reason: issue.message, pointAt: 'value' }];
    }
    default:
      return [{ path, reason: issue.message, pointAt: 'value' }];
  }
}
