/**
 * From a field path (`['chatServers', 'cores']`) to the line and column of the node in the
 * scenario file, through the `yaml` package's document nodes and its LineCounter. JSON files are
 * parsed by the same parser (JSON is YAML), so they get positions too.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export interface SourcePosition {
  line: number;
  column: number;
}

type Located = { node: Node | null; keyNode: Node | null };

function keyMatches(key: unknown, segment: PropertyKey): boolean {
  const value = isScalar(key) ? key.value : key;
  return String(value) === String(segment);
}

export class SourceMap {
  constructor(
    private readonly document: Document,
    private readonly lineCounter: LineCounter,
  ) {}

  private positionOfNode(node: Node | null | undefined): SourcePosition | undefined {
    const offset = node?.range?.[0];
    if (offset === undefined) return undefined;
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  /**
   * Where the field is written: its value, or its key for `pointAt: 'key'` (unknown fields). A
   * field that is missing points at the nearest enclosing field that is present.
   */
  positionOf(path: readonly PropertyKey[], pointAt: 'value' | 'key' = 'value'): SourcePosition | undefined {
    let current: Located = { node: (this.document.contents as Node | null) ?? null, keyNode: null };
    let fallback = this.positionOfNode(current.node) ?? { line: 1, column: 1 };
    for (const [index, segment] of path.entries()) {
      let node: unknown = current.node;
      if (isAlias(node)) node = node.resolve(this.document) ?? null;
      let next: Located | undefined;
      if (isMap(node)) {
        const pair = node.items.find((item) => keyMatches(item.key, segment));
        if (pair !== undefined) next = { node: (pair.value as Node | null) ?? null, keyNode: (pair.key as Node | null) ?? null };
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        if (item !== undefined) next = { node: item as Node, keyNode: null };
      }
      if (next === undefined) return fallback;
      const isLast = index === path.length - 1;
      if (isLast && pointAt === 'key' && next.keyNode !== null) return this.positionOfNode(next.keyNode) ?? fallback;
      fallback = this.positionOfNode(next.keyNode) ?? this.positionOfNode(next.node) ?? fallback;
      current = next;
    }
    return this.positionOfNode(current.node) ?? fallback;
  }

  /** Line and column of a character offset (for YAML syntax errors). */
  positionOfOffset(offset: number): SourcePosition {
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }
}
