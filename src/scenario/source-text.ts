/**
 * Reading a scenario file's text, before the schema sees it: the encoding, strict JSON for .json
 * files, and the yaml package's errors in words for users (load.ts reports them with positions).
 */
import { visit, type Document, type YAMLError } from 'yaml';
import type { SourceMap } from './source-map.js';

/**
 * The file's text, if it is UTF-8. A file saved as UTF-16 (Windows editors do) read as UTF-8 is
 * every other byte a NUL, and the user was shown that as the value of the top level.
 */
export function decodeUtf8(bytes: Buffer): { text: string } | { reason: string; line?: number } {
  const utf16Bom = bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
  if (utf16Bom || bytes.subarray(0, 4096).includes(0)) return { reason: 'is not UTF-8 text (it looks like UTF-16 or binary): save it as UTF-8' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const lossy = new TextDecoder('utf-8').decode(bytes);
    const at = lossy.indexOf('\uFFFD');
    const line = at < 0 ? undefined : lossy.slice(0, at).split('\n').length;
    return { reason: 'is not UTF-8 text (a byte sequence that UTF-8 does not allow): save it as UTF-8', ...(line === undefined ? {} : { line }) };
  }
}

/** The yaml package's reason, reworded where it speaks to programmers rather than to users. */
export function syntaxReason(error: YAMLError, text: string): string {
  if (error.code === 'MULTIPLE_DOCS') return 'a second YAML document starts here (---); a scenario file holds one';
  if (error.code === 'DUPLICATE_KEY') {
    const key = /^\s*["']?([^"':\n]*)/.exec(text.slice(error.pos[0]))?.[1]?.trim() ?? '';
    return key === '' ? 'a key appears twice in one mapping' : `the key "${key}" appears twice in one mapping`;
  }
  if (error.code === 'RESOURCE_EXHAUSTION' && /call stack/i.test(error.message)) return 'nested too deeply to read';
  return error.message.split('\n')[0] ?? error.message;
}

/** Where the first alias that resolves to nothing is (or the first alias), for toJS's positionless errors. */
export function firstAliasPosition(document: Document, sourceMap: SourceMap): { line: number; column: number } | Record<string, never> {
  let unresolved: number | undefined;
  let first: number | undefined;
  visit(document, {
    Alias(_key, node) {
      const start = node.range?.[0];
      if (start === undefined) return;
      first ??= start;
      if (node.resolve(document) === undefined) {
        unresolved = start;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  const at = unresolved ?? first;
  if (at === undefined) return {};
  const { line, column } = sourceMap.positionOfOffset(at);
  return { line, column };
}

/** JSON.parse's complaint about a .json file, with its line and column when it says where. */
export function strictJsonProblem(text: string): { line?: number; column?: number; reason: string } | null {
  try {
    JSON.parse(text);
    return null;
  } catch (error) {
    const message = (error as Error).message;
    const at = /at position (\d+)/.exec(message);
    const reason = `JSON syntax: ${message.replace(/ in JSON at position \d+.*$/s, '').replace(/\s+/g, ' ')}`;
    if (at === null) return { reason };
    const before = text.slice(0, Number(at[1]));
    const line = before.split('\n').length;
    return { line, column: before.length - before.lastIndexOf('\n'), reason };
  }
}
