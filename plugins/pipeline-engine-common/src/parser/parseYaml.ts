import {
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
} from 'yaml';
import type { Problem } from '../validation/problem';
import type { YamlValue } from '../model/types';
import type { YamlPath } from './yamlPath';
import {
  MAX_NESTING_DEPTH,
  nestingExceeds,
  nestingMessage,
  yamlFlowNestingExceeds,
} from './nesting';

/**
 * A 1-based source position.
 *
 * @public
 */
export interface SourcePosition {
  line: number;
  column: number;
}

/**
 * A parsed YAML text that can map paths back to source positions.
 *
 * @public
 */
export interface ParsedYaml {
  /** The plain value (maps, lists, scalars); `undefined` for an empty document. */
  value: YamlValue | undefined;
  /** Syntax errors and warnings from the YAML parser, with positions. */
  problems: Problem[];
  /**
   * Where the node at `path` starts; for `'key'`, where its map key starts.
   * Falls back to the nearest existing ancestor so every problem gets a position.
   */
  locate(path: YamlPath, which?: 'key' | 'value'): SourcePosition | undefined;
}

/**
 * Parses YAML text, keeping what is needed to report line:column positions.
 *
 * @public
 */
export function parseYaml(text: string): ParsedYaml {
  if (yamlFlowNestingExceeds(text)) return tooDeep();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    // Harness YAML is YAML 1.1-free in practice; `yes`/`no` stay strings.
    version: '1.2',
  });
  const toPosition = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const problems: Problem[] = [];
  const seenLines = new Set<number>();
  for (const [severity, list] of [
    ['error', doc.errors],
    ['warning', doc.warnings],
  ] as const) {
    for (const e of list) {
      const pos = toPosition(e.pos[0]);
      // One broken line often yields several parser errors; the first says it.
      if (seenLines.has(pos.line)) continue;
      seenLines.add(pos.line);
      problems.push({
        severity,
        code: `yaml-${e.code.toLowerCase().replace(/_/g, '-')}`,
        path: '(document)',
        message:
          e.code === 'MULTIPLE_DOCS'
            ? 'the file holds more than one YAML document ("---" or "..." separators)'
            : firstLine(e.message),
        hint: yamlHint(e.code),
        line: pos.line,
        column: pos.column,
      });
    }
  }
  let value: YamlValue | undefined;
  if (!doc.errors.length) {
    try {
      value = (doc.toJS({ maxAliasCount: 100 }) ?? undefined) as
        YamlValue | undefined;
    } catch (error) {
      // Aliases are resolved only here: `*a` without `&a`, or alias bombs.
      problems.push({
        severity: 'error',
        code: 'yaml-alias',
        path: '(document)',
        message: (error as Error).message,
        hint: 'define the anchor (&name) before using the alias (*name), or write the value out',
      });
    }
  }
  if (nestingExceeds(value)) return tooDeep();
  return {
    value,
    problems,
    locate: (path, which = 'value') => locate(doc, path, which, toPosition),
  };
}

/** The result for a document nested deeper than {@link MAX_NESTING_DEPTH}. */
function tooDeep(): ParsedYaml {
  return {
    value: undefined,
    problems: [
      {
        severity: 'error',
        code: 'yaml-too-deep',
        path: '(document)',
        message: nestingMessage('the document'),
        hint: `keep maps and lists at most ${MAX_NESTING_DEPTH} levels deep`,
      },
    ],
    locate: () => undefined,
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

function yamlHint(code: string): string {
  switch (code) {
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'check the indentation of this line against its parent key';
    case 'DUPLICATE_KEY':
      return 'remove or rename one of the duplicate keys';
    case 'MULTIPLE_DOCS':
      return 'keep one document per file; a leading "..." or a second "---" starts another';
    case 'TAB_AS_INDENT':
      return 'indent with spaces, not tabs';
    default:
      return 'fix the YAML syntax at this position';
  }
}

function locate(
  doc: Document,
  path: YamlPath,
  which: 'key' | 'value',
  toPosition: (offset: number) => SourcePosition,
): SourcePosition | undefined {
  let node: unknown = doc.contents;
  let keyNode: Node | undefined;
  let lastFound: Node | undefined = isNode(node) ? node : undefined;
  for (const segment of path) {
    keyNode = undefined;
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find(
        p => (isScalar(p.key) ? p.key.value : p.key) === segment,
      );
      if (pair && isPair(pair)) {
        keyNode = isNode(pair.key) ? pair.key : undefined;
        next = pair.value;
        const empty =
          isScalar(next) &&
          next.value === null &&
          next.range?.[0] === next.range?.[1];
        if (next === null || next === undefined || empty) {
          // `key:` with no value: point at the key.
          next = keyNode;
        }
      }
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
    }
    if (!isNode(next)) break;
    node = next;
    lastFound = next;
  }
  const target =
    which === 'key' && keyNode && lastFound === node ? keyNode : lastFound;
  const offset = target?.range?.[0];
  return offset === undefined ? undefined : toPosition(offset);
}
