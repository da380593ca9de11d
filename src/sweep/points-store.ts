/**
 * Where a sweep keeps its lines: a JSONL file. Behind an interface so the sweep logic can be run
 * against memory in tests; the file version appends each line with one write and rewrites the
 * finished file through a temporary file and a rename, so a crash never leaves half a rewrite.
 */
import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

export interface PointsStore {
  /** For messages: the file name. */
  readonly name: string;
  /** The whole text, or null when there is nothing yet. */
  read(): string | null;
  append(text: string): void;
  /** Replaces the whole content. */
  replace(text: string): void;
}

export function filePointsStore(path: string): PointsStore {
  return {
    name: path,
    read() {
      try {
        return readFileSync(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    append(text) {
      appendFileSync(path, text);
    },
    replace(text) {
      const temporary = `${path}.rewrite-${process.pid}`;
      writeFileSync(temporary, text);
      renameSync(temporary, path);
    },
  };
}

export function memoryPointsStore(name = 'memory.jsonl', initial: string | null = null): PointsStore & { text: string | null } {
  const store = {
    name,
    text: initial,
    read: () => store.text,
    append(text: string) {
      store.text = (store.text ?? '') + text;
    },
    replace(text: string) {
      store.text = text;
    },
  };
  return store;
}
