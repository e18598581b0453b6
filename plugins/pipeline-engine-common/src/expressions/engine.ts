/*
 * ExpressionEngine: compiles Harness `<+...>` expressions to secured jexl
 * expressions (cached) and evaluates them against an ExpressionContext.
 *
 * Pipeline: scan (scan.ts) → rewrite to jexl source (rewrite.ts) → jexl
 * parse → secure the AST (sandbox.ts) → evaluate with jexl, whose grammar
 * here has Java-like operators (operators.ts) and the internal transforms
 * that read data (access.ts) and call methods (methods.ts).
 *
 * Nested expressions are evaluated first and bound as values of the outer
 * expression (`$hN` placeholders), never pasted into its source.
 */
import jexl from 'jexl';
import type { EvalFrame, EvalState } from './access';
import {
  asExpressionError,
  readIndex,
  readMember,
  readRoot,
  toPlain,
} from './access';
import type { ExpressionContext } from './context';
import { ExpressionError, locate } from './errors';
import { callMethod } from './methods';
import { add, arithmetic, compare, javaEquals, truthy } from './operators';
import { rewriteToJexl } from './rewrite';
import type { JexlSource } from './rewrite';
import type { JexlNode } from './sandbox';
import { FRAME, T, secureAst } from './sandbox';
import type { BodyPart, ExpressionNode, TemplateSegment } from './scan';
import { hasExpressions, scanTemplate } from './scan';
import { LruCache } from './lru';
import { isPlainRecord, renderText } from './values';

/**
 * Options of {@link ExpressionEngine}.
 *
 * @public
 */
export interface ExpressionEngineOptions {
  /**
   * `strict` (default): an unresolvable reference throws an
   * {@link ExpressionError}. `lenient`: it evaluates to null.
   */
  mode?: 'strict' | 'lenient';
  /** Compiled expressions kept (LRU). 0 disables caching. Default 1000. */
  cacheSize?: number;
}

/**
 * Result of rendering a template.
 *
 * @public
 */
export interface RenderResult {
  /**
   * The raw value when the template is exactly one expression (number,
   * boolean, list, map, null...), otherwise the rendered text.
   */
  value: unknown;
  /** The template with every expression replaced by its rendering. */
  text: string;
  /**
   * Secret values read while rendering, and the text of each expression
   * computed from one; callers mask these in output.
   */
  secrets: string[];
}

/**
 * Result of evaluating a JEXL expression or condition.
 *
 * @public
 */
export interface EvaluationResult<T = unknown> {
  value: T;
  /** Secret values read during the evaluation. */
  secrets: string[];
}

/**
 * Outcome of a non-throwing call.
 *
 * @public
 */
export type Outcome<T> =
  ({ ok: true } & T) | { ok: false; error: ExpressionError };

/**
 * What {@link ExpressionEngine.analyze} finds without evaluating.
 *
 * @public
 */
export interface TemplateAnalysis {
  /** Syntax, unknown-method and forbidden-name errors. */
  errors: ExpressionError[];
  /** Static reference paths read, e.g. `pipeline.variables.project_name`. */
  references: string[];
}

/** One compiled expression (or condition) and its compiled nested ones. */
interface Compiled {
  evalSync(context: Record<string, unknown>): unknown;
  holes: Array<{ node: ExpressionNode; compiled: Compiled }>;
  references: string[];
}

type JexlInstance = InstanceType<typeof jexl.Jexl>;
type JexlExpression = ReturnType<JexlInstance['createExpression']>;

/** A jexl instance plus a way to evaluate that keeps our error objects. */
interface Evaluator {
  jexl: JexlInstance;
  evalSync(
    expression: JexlExpression,
    context: Record<string, unknown>,
  ): unknown;
}

/**
 * A jexl instance whose grammar only knows what the sandbox emits.
 *
 * jexl's synchronous evaluation re-throws errors from operands as
 * `Error(String(error))`, losing their type. Every function we register
 * records the first error it throws, and `evalSync` re-throws that one.
 */
function createEvaluator(): Evaluator {
  const trap: { first: unknown } = { first: undefined };
  const guard =
    <A extends unknown[], R>(fn: (...args: A) => R) =>
    (...args: A): R => {
      try {
        return fn(...args);
      } catch (e) {
        if (trap.first === undefined) trap.first = e;
        throw e;
      }
    };
  const j = new jexl.Jexl();
  for (const op of ['//', '^', 'in']) j.removeOp(op);
  // Java precedences: equality below relational, % with * and /.
  j.addBinaryOp('+', 30, guard(add));
  j.addBinaryOp('-', 30, guard(arithmetic('-')));
  j.addBinaryOp('*', 40, guard(arithmetic('*')));
  j.addBinaryOp('/', 40, guard(arithmetic('/')));
  j.addBinaryOp('%', 40, guard(arithmetic('%')));
  j.addBinaryOp('==', 15, javaEquals);
  j.addBinaryOp('!=', 15, (l: unknown, r: unknown) => !javaEquals(l, r));
  for (const op of ['<', '>', '<=', '>='] as const)
    j.addBinaryOp(op, 20, guard(compare(op)));
  j.addUnaryOp('!', (v: unknown) => !truthy(v));
  const state = (frame: unknown): EvalState => (frame as EvalFrame).state;
  j.addTransforms({
    [T.root]: guard((frame: unknown, name: string) =>
      readRoot(state(frame), name),
    ),
    [T.get]: guard((frame: unknown, obj: unknown, key: string, label: string) =>
      readMember(state(frame), obj, key, label),
    ),
    [T.index]: guard(
      (frame: unknown, obj: unknown, index: unknown, label: string) =>
        readIndex(state(frame), obj, index, label),
    ),
    [T.call]: guard(
      (
        frame: unknown,
        name: string,
        label: string,
        receiver: unknown,
        ...args: unknown[]
      ) => callMethod(state(frame), name, label, receiver, args),
    ),
    [T.hole]: (frame: unknown, n: number) => (frame as EvalFrame).holes[n],
    [T.bool]: (value: unknown) => truthy(value),
  });
  return {
    jexl: j,
    evalSync(expression, context) {
      // Saved and restored: a context may evaluate expressions re-entrantly.
      const saved = trap.first;
      trap.first = undefined;
      try {
        return expression.evalSync(context);
      } catch (e) {
        throw trap.first ?? e;
      } finally {
        trap.first = saved;
      }
    },
  };
}

/** jexl's parse error, reworded with placeholders turned back into source. */
function syntaxError(error: unknown, src: JexlSource): ExpressionError {
  const message = error instanceof Error ? error.message : String(error);
  const unplace = (text: string) =>
    text
      .replace(/\$s(\d+)/g, (_, n) => JSON.stringify(src.strings[Number(n)]))
      .replace(/\$h(\d+)/g, (_, n) => src.holes[Number(n)].source)
      .replace(/\$index\(/g, '[')
      .replace(/\|/g, '.');
  const token = /^Token (.*?) \(\w+\) unexpected/.exec(message);
  if (token)
    return new ExpressionError(
      'syntax',
      `invalid syntax: unexpected "${unplace(token[1])}"`,
    );
  if (/^Unexpected end of expression/.test(message)) {
    return new ExpressionError(
      'syntax',
      'invalid syntax: unexpected end of expression',
    );
  }
  const invalid = /^Invalid expression token: (.*)$/.exec(message);
  if (invalid)
    return new ExpressionError(
      'syntax',
      `invalid syntax: unexpected "${unplace(invalid[1])}"`,
    );
  return new ExpressionError('syntax', `invalid syntax: ${unplace(message)}`);
}

/**
 * Evaluates Harness expressions; see the module comment.
 *
 * @public
 */
export class ExpressionEngine {
  /** `strict` or `lenient`, see {@link ExpressionEngineOptions.mode}. */
  readonly mode: 'strict' | 'lenient';
  private readonly evaluator = createEvaluator();
  private readonly cache: LruCache<string, Compiled>;

  constructor(options: ExpressionEngineOptions = {}) {
    this.mode = options.mode ?? 'strict';
    this.cache = new LruCache(
      Math.max(0, Math.floor(options.cacheSize ?? 1000)),
    );
  }

  /** Number of compiled expressions currently cached. */
  get cachedExpressions(): number {
    return this.cache.size;
  }

  /**
   * Renders `template`: each `<+...>` is replaced by its value's text.
   * @throws ExpressionError
   */
  render(template: string, ctx: ExpressionContext): RenderResult {
    if (!hasExpressions(template))
      return { value: template, text: template, secrets: [] };
    const state = this.newState(ctx);
    const segments = scanTemplate(template);
    // Text computed from a secret (`<+secrets.getValue("x").toLowerCase()>`)
    // is as secret as the secret: it is reported for masking too.
    const evaluate = (node: ExpressionNode) => {
      const readsBefore = state.secretReads;
      const value = this.evaluateNode(node, state, template);
      if (state.secretReads > readsBefore && typeof value === 'string')
        state.secrets.add(value);
      return value;
    };
    if (segments.length === 1 && segments[0].kind === 'expression') {
      const value = evaluate(segments[0].node);
      return { value, text: renderText(value), secrets: [...state.secrets] };
    }
    let text = '';
    for (const segment of segments) {
      text +=
        segment.kind === 'text'
          ? segment.text
          : renderText(evaluate(segment.node));
    }
    return { value: text, text, secrets: [...state.secrets] };
  }

  /** {@link ExpressionEngine.render} without throwing. */
  tryRender(template: string, ctx: ExpressionContext): Outcome<RenderResult> {
    return attempt(() => this.render(template, ctx));
  }

  /**
   * Renders every string inside `value` (objects and arrays are copied, keys
   * are not rendered). A string that is exactly one expression becomes its
   * raw value. Errors carry the path of the failing field (`a.b[0]`).
   * @throws ExpressionError
   */
  renderDeep(value: unknown, ctx: ExpressionContext): EvaluationResult {
    const secrets = new Set<string>();
    const walk = (v: unknown, path: string): unknown => {
      if (typeof v === 'string') {
        try {
          const result = this.render(v, ctx);
          result.secrets.forEach(s => secrets.add(s));
          return result.value;
        } catch (e) {
          throw asExpressionError(e).annotate({ path });
        }
      }
      if (Array.isArray(v))
        return v.map((item, i) => walk(item, `${path}[${i}]`));
      if (isPlainRecord(v)) {
        const out: Record<string, unknown> = {};
        for (const key of Object.keys(v)) {
          Object.defineProperty(out, key, {
            value: walk(v[key], path ? `${path}.${key}` : key),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        return out;
      }
      return v;
    };
    const rendered = walk(value, '');
    return { value: rendered, secrets: [...secrets] };
  }

  /** {@link ExpressionEngine.renderDeep} without throwing. */
  tryRenderDeep(
    value: unknown,
    ctx: ExpressionContext,
  ): Outcome<EvaluationResult> {
    return attempt(() => this.renderDeep(value, ctx));
  }

  /**
   * Evaluates a JEXL expression written without `<+ >` around it, in which
   * `<+...>` expressions may appear as operands: `<+a> == "x" && <+b> > 2`.
   * An expression inside a string literal (`"<+a>-x"`) is concatenated in.
   * @throws ExpressionError
   */
  evaluate(expression: string, ctx: ExpressionContext): EvaluationResult {
    const state = this.newState(ctx);
    const compiled = this.compileCached(
      `c:${expression}`,
      () => {
        const parts: BodyPart[] = scanTemplate(expression).map(s =>
          s.kind === 'text' ? s.text : s.node,
        );
        return this.compileParts(parts);
      },
      expression,
    );
    const value = this.run(compiled, state, expression);
    return { value, secrets: [...state.secrets] };
  }

  /**
   * Evaluates a `when.condition`: `true`/`false`, or JEXL such as
   * `<+pipeline.variables.notify> == "true"`. An empty condition is true.
   * The result must be a boolean or the string `true`/`false`; in lenient
   * mode null counts as false.
   * @throws ExpressionError
   */
  evaluateCondition(condition: string, ctx: ExpressionContext): boolean {
    return this.evaluateConditionWithSecrets(condition, ctx).value;
  }

  /** {@link ExpressionEngine.evaluateCondition} without throwing, with secrets. */
  tryEvaluateCondition(
    condition: string,
    ctx: ExpressionContext,
  ): Outcome<EvaluationResult<boolean>> {
    return attempt(() => this.evaluateConditionWithSecrets(condition, ctx));
  }

  /**
   * Compiles every expression of `template` without evaluating: syntax
   * errors, unknown methods, forbidden names, and the static references.
   * Never throws.
   */
  analyze(template: string): TemplateAnalysis {
    const errors: ExpressionError[] = [];
    const references = new Set<string>();
    let segments: TemplateSegment[];
    try {
      segments = scanTemplate(template);
    } catch (e) {
      return { errors: [asExpressionError(e)], references: [] };
    }
    const collect = (c: Compiled) => {
      c.references.forEach(r => references.add(r));
      c.holes.forEach(h => collect(h.compiled));
    };
    for (const segment of segments) {
      if (segment.kind !== 'expression') continue;
      try {
        collect(this.compileNode(segment.node));
      } catch (e) {
        errors.push(asExpressionError(e));
      }
    }
    return { errors, references: [...references] };
  }

  /** Drops all compiled expressions. */
  clearCache(): void {
    this.cache.clear();
  }

  private evaluateConditionWithSecrets(
    condition: string,
    ctx: ExpressionContext,
  ): EvaluationResult<boolean> {
    const trimmed = condition.trim();
    if (trimmed === '' || trimmed === 'true')
      return { value: true, secrets: [] };
    if (trimmed === 'false') return { value: false, secrets: [] };
    const { value, secrets } = this.evaluate(condition, ctx);
    if (typeof value === 'boolean') return { value, secrets };
    if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) {
      return { value: value.trim().toLowerCase() === 'true', secrets };
    }
    if (value === null && this.mode === 'lenient')
      return { value: false, secrets };
    throw new ExpressionError(
      'type',
      `condition must evaluate to true or false, got ${renderText(value)}`,
      { expression: condition },
    );
  }

  private newState(ctx: ExpressionContext): EvalState {
    return {
      ctx,
      strict: this.mode === 'strict',
      secrets: new Set(),
      secretReads: 0,
    };
  }

  /** Compiles (cached) and evaluates one top-level expression of `template`. */
  private evaluateNode(
    node: ExpressionNode,
    state: EvalState,
    template: string,
  ): unknown {
    try {
      return this.run(this.compileNode(node), state, node.source);
    } catch (e) {
      throw asExpressionError(e).annotate({
        expression: node.source,
        location: locate(template, node.start),
      });
    }
  }

  /** Evaluates nested expressions first, then `compiled` with them bound. */
  private run(compiled: Compiled, state: EvalState, source: string): unknown {
    try {
      const holes = compiled.holes.map(h =>
        this.run(h.compiled, state, h.node.source),
      );
      const frame: EvalFrame = { state, holes };
      return toPlain(state, compiled.evalSync({ [FRAME]: frame }));
    } catch (e) {
      throw asExpressionError(e).annotate({ expression: source });
    }
  }

  private compileNode(node: ExpressionNode): Compiled {
    return this.compileCached(
      `e:${node.body}`,
      () => this.compileParts(node.parts),
      node.source,
    );
  }

  private compileCached(
    key: string,
    make: () => Compiled,
    source: string,
  ): Compiled {
    const cached = this.cache.get(key);
    if (cached) return cached;
    let compiled: Compiled;
    try {
      compiled = make();
    } catch (e) {
      throw asExpressionError(e).annotate({ expression: source });
    }
    this.cache.set(key, compiled);
    return compiled;
  }

  private compileParts(parts: readonly BodyPart[]): Compiled {
    const src = rewriteToJexl(parts);
    const expression = this.evaluator.jexl.createExpression(src.source);
    let root: JexlNode;
    try {
      root = expression.compile()._getAst() as unknown as JexlNode;
    } catch (e) {
      throw syntaxError(e, src);
    }
    const secured = secureAst(root, src);
    // Evaluate the secured tree: jexl evaluates the object _getAst() returns.
    const replacement = { ...secured.ast };
    const target = root as unknown as Record<string, unknown>;
    for (const key of Object.keys(target)) delete target[key];
    Object.assign(target, replacement);
    const holes = src.holes.map(node => ({
      node,
      compiled: this.compileNode(node),
    }));
    return {
      evalSync: context => this.evaluator.evalSync(expression, context),
      holes,
      references: secured.references,
    };
  }
}

/** Runs `fn`, turning any throw into `{ ok: false, error }`. */
function attempt<T extends object>(fn: () => T): Outcome<T> {
  try {
    return { ok: true, ...fn() };
  } catch (e) {
    return { ok: false, error: asExpressionError(e) };
  }
}
