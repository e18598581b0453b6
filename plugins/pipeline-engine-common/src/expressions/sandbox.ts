/*
 * Turns the AST jexl parsed from rewritten source into one that can only
 * read data through `access.ts` and call methods through `methods.ts`:
 * every root name, `.member`, `[index]` and method call becomes a call of an
 * internal transform that receives the evaluation frame. jexl's own property
 * access (which follows prototypes) is never used. Placeholders are swapped
 * for their literals / nested values here, so user text never becomes source.
 */
import { assertAllowedName } from './access';
import { fail } from './errors';
import { INTERNAL } from './rewrite';
import type { JexlSource } from './rewrite';

/** The jexl AST shapes (jexl 2.3), loosely typed to allow rewriting. */
export type JexlNode =
  | { type: 'Literal'; value: unknown }
  | { type: 'Identifier'; value: string; from?: JexlNode; relative?: boolean }
  | {
      type: 'BinaryExpression';
      operator: string;
      left: JexlNode;
      right: JexlNode;
    }
  | { type: 'UnaryExpression'; operator: string; right: JexlNode }
  | {
      type: 'ConditionalExpression';
      test: JexlNode;
      consequent?: JexlNode;
      alternate: JexlNode;
    }
  | {
      type: 'FilterExpression';
      relative: boolean;
      expr: JexlNode;
      subject: JexlNode;
    }
  | { type: 'ArrayLiteral'; value: JexlNode[] }
  | { type: 'ObjectLiteral'; value: Record<string, JexlNode> }
  | { type: 'FunctionCall'; name: string; pool: string; args: JexlNode[] };

/** Name of the jexl context entry holding the {@link EvalFrame}. */
export const FRAME = `${INTERNAL}frame`;

/** Internal transform names the secured AST calls. */
export const T = {
  root: `${INTERNAL}root`,
  get: `${INTERNAL}get`,
  index: `${INTERNAL}index`,
  call: `${INTERNAL}call`,
  hole: `${INTERNAL}hole`,
  bool: `${INTERNAL}bool`,
} as const;

const PASSTHROUGH_BINARY = new Set([
  '+',
  '-',
  '*',
  '/',
  '%',
  '==',
  '!=',
  '<',
  '>',
  '<=',
  '>=',
]);

const lit = (value: unknown): JexlNode => ({ type: 'Literal', value });
const frame: JexlNode = { type: 'Identifier', value: FRAME };
const call = (name: string, ...args: JexlNode[]): JexlNode => ({
  type: 'FunctionCall',
  name,
  pool: 'transforms',
  args,
});

/** Secured AST plus the static reference paths it reads. */
export interface SecuredAst {
  ast: JexlNode;
  /** Static member paths read, e.g. `pipeline.variables.x`. */
  references: string[];
}

/**
 * The secured form of `ast`, parsed from `src.source`.
 * @throws ExpressionError `forbidden` / `syntax`
 */
export function secureAst(ast: JexlNode, src: JexlSource): SecuredAst {
  const references = new Set<string>();
  const placeholder = (
    name: string,
  ): { kind: 's' | 'h'; n: number } | undefined => {
    const m = /^\$([sh])(\d+)$/.exec(name);
    return m ? { kind: m[1] as 's' | 'h', n: Number(m[2]) } : undefined;
  };

  function describe(node: JexlNode): string {
    switch (node.type) {
      case 'Literal':
        return JSON.stringify(node.value) ?? 'null';
      case 'Identifier': {
        if (node.from) return `${label(node.from)}.${node.value}`;
        const p = placeholder(node.value);
        if (p?.kind === 's') return JSON.stringify(src.strings[p.n]);
        if (p?.kind === 'h') return src.holes[p.n].source;
        return node.value;
      }
      case 'FunctionCall':
        if (node.pool !== 'transforms' || !node.args.length)
          return `${node.name}()`;
        if (node.name === T.index)
          return `${label(node.args[0])}[${label(node.args[1])}]`;
        return `${label(node.args[0])}.${label(node.args[1]).slice(1, -1)}(${node.args.length > 2 ? '...' : ''})`;
      default:
        return 'the value';
    }
  }

  // Memoized: every level of a long chain asks for the label of the rest.
  const labels = new Map<JexlNode, string>();
  /** Text for messages: `pipeline.variables`, `"abc"`, `<+x>`, `a.trim()`. */
  function label(node: JexlNode | undefined): string {
    if (!node) return '?';
    let text = labels.get(node);
    if (text === undefined) {
      text = describe(node);
      labels.set(node, text);
    }
    return text;
  }
  /** Static path of a member chain, as far as it is static. */
  const path = (node: JexlNode | undefined): string | undefined => {
    if (!node) return undefined;
    if (node.type === 'Identifier') {
      if (!node.from) return placeholder(node.value) ? undefined : node.value;
      const base = path(node.from);
      return base === undefined ? undefined : `${base}.${node.value}`;
    }
    if (
      node.type === 'FunctionCall' &&
      node.name === T.index &&
      node.pool === 'transforms'
    ) {
      const base = path(node.args[0]);
      const key = node.args[1];
      const p =
        key?.type === 'Identifier' && !key.from
          ? placeholder(key.value)
          : undefined;
      if (base !== undefined && p?.kind === 's')
        return `${base}.${src.strings[p.n]}`;
      return base;
    }
    return undefined;
  };

  const secure = (node: JexlNode | undefined, inChain: boolean): JexlNode => {
    // jexl accepts some incomplete input (`a ? b :`, `x[]`) with holes in the tree.
    if (!node) return fail('syntax', 'invalid syntax: incomplete expression');
    switch (node.type) {
      case 'Literal':
        return node;
      case 'Identifier': {
        if (!inChain) {
          const p = path(node);
          if (p !== undefined) references.add(p);
        }
        if (node.relative) fail('syntax', `unexpected ".${node.value}"`);
        if (node.from) {
          assertAllowedName(node.value);
          return call(
            T.get,
            frame,
            secure(node.from, true),
            lit(node.value),
            lit(label(node.from)),
          );
        }
        const p = placeholder(node.value);
        if (p?.kind === 's') return lit(src.strings[p.n]);
        if (p?.kind === 'h') return call(T.hole, frame, lit(p.n));
        if (node.value.startsWith(INTERNAL))
          fail('syntax', `unexpected "${node.value}"`);
        if (node.value === 'null') return lit(null);
        assertAllowedName(node.value);
        return call(T.root, frame, lit(node.value));
      }
      case 'BinaryExpression': {
        const left = secure(node.left, false);
        const right = secure(node.right, false);
        if (node.operator === '&&') {
          return {
            type: 'ConditionalExpression',
            test: call(T.bool, left),
            consequent: call(T.bool, right),
            alternate: lit(false),
          };
        }
        if (node.operator === '||') {
          return {
            type: 'ConditionalExpression',
            test: call(T.bool, left),
            consequent: lit(true),
            alternate: call(T.bool, right),
          };
        }
        if (!PASSTHROUGH_BINARY.has(node.operator)) {
          fail('syntax', `operator "${node.operator}" is not supported`);
        }
        return {
          type: 'BinaryExpression',
          operator: node.operator,
          left,
          right,
        };
      }
      case 'UnaryExpression':
        if (node.operator !== '!')
          fail('syntax', `operator "${node.operator}" is not supported`);
        return {
          type: 'UnaryExpression',
          operator: '!',
          right: secure(node.right, false),
        };
      case 'ConditionalExpression':
        if (!node.consequent) fail('syntax', 'incomplete "?:" expression');
        return {
          type: 'ConditionalExpression',
          test: call(T.bool, secure(node.test, false)),
          consequent: secure(node.consequent, false),
          alternate: secure(node.alternate, false),
        };
      case 'ArrayLiteral':
        return {
          type: 'ArrayLiteral',
          value: node.value.map(v => secure(v, false)),
        };
      case 'FunctionCall': {
        if (node.pool !== 'transforms' || !node.args.length) {
          return fail('syntax', `function "${node.name}()" is not supported`);
        }
        const [subject, ...args] = node.args;
        if (node.name === T.index) {
          if (args.length !== 1)
            fail('syntax', 'invalid syntax: [] needs exactly one index');
          if (!inChain) {
            const p = path(node);
            if (p !== undefined) references.add(p);
          }
          return call(
            T.index,
            frame,
            secure(subject, true),
            secure(args[0], false),
            lit(label(subject)),
          );
        }
        const name =
          args[0]?.type === 'Identifier'
            ? placeholder(args[0].value)
            : undefined;
        if (node.name !== T.call || name?.kind !== 's') {
          return fail('syntax', `unexpected "${node.name}"`);
        }
        return call(
          T.call,
          frame,
          lit(src.strings[name.n]),
          lit(label(subject)),
          secure(subject, false),
          ...args.slice(1).map(a => secure(a, false)),
        );
      }
      default:
        return fail('syntax', `"${node.type}" is not supported`);
    }
  };

  return { ast: secure(ast, false), references: [...references] };
}
