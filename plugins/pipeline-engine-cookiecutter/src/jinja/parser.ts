import { syntaxError, unsupported } from './errors';
import type { Token, TokenType } from './lexer';
import type { CallArgs, Expr, FilterExpr, Stmt } from './nodes';
import { PyFloat } from './values';

/*
 * A port of jinja2/parser.py: same precedence, same statements, same error
 * cases. Statements Jinja2 knows but we do not render (extends, block,
 * call, autoescape) are refused at parse time.
 */

/** Parser settings: which tags the template's extensions add. */
export interface ParserOptions {
  /** jinja2.ext.do */
  doTag: boolean;
  /** jinja2.ext.loopcontrols */
  loopControls: boolean;
  /** Whether a filter or test name exists (Jinja2 checks at compile time outside conditionals). */
  knownFilter(name: string): boolean;
  knownTest(name: string): boolean;
}

const COMPARE: Partial<Record<TokenType, string>> = {
  eq: '==',
  ne: '!=',
  lt: '<',
  lteq: '<=',
  gt: '>',
  gteq: '>=',
};
const MATH1: Partial<Record<TokenType, string>> = { add: '+', sub: '-' };
const MATH2: Partial<Record<TokenType, string>> = {
  mul: '*',
  div: '/',
  floordiv: '//',
  mod: '%',
};
const UNSUPPORTED_TAGS = new Set(['block', 'extends', 'call', 'autoescape']);

function describe(t: Token): string {
  if (
    t.type === 'name' ||
    t.type === 'string' ||
    t.type === 'integer' ||
    t.type === 'float'
  )
    return t.value;
  if (t.type === 'eof') return 'end of template';
  if (t.type === 'block_end') return 'end of statement block';
  if (t.type === 'variable_end') return 'end of print statement';
  return t.value || t.type;
}

/** Marks the filters and tests of an expression as inside a conditional. */
function markSoft(e: Expr | undefined): void {
  if (!e || typeof e !== 'object') return;
  if (e.kind === 'filter' || e.kind === 'test') e.soft = true;
  for (const v of Object.values(e)) {
    if (Array.isArray(v)) {
      for (const x of v) {
        if (Array.isArray(x))
          x.forEach(y => typeof y === 'object' && markSoft(y as Expr));
        else if (x && typeof x === 'object') markSoft(x as Expr);
      }
    } else if (v && typeof v === 'object' && 'kind' in v) {
      markSoft(v as Expr);
    }
  }
}

/** Parses a token list into statements. */
export class Parser {
  #pos = 0;
  #softDepth = 0;
  #loopDepth = 0;
  readonly #endStack: string[][] = [];
  /** Line of the first `a if b` without else (Jinja2 embeds the template name in its code). */
  bareCondexprLine?: number;
  /** Filters/tests Jinja2 does not know; an error unless inside a conditional (checked at the end). */
  readonly #unknown: Array<Extract<Expr, { kind: 'filter' | 'test' }>> = [];

  constructor(
    private readonly tokens: Token[],
    private readonly options: ParserOptions,
  ) {}

  get #cur(): Token {
    return this.tokens[this.#pos];
  }
  /** The current token's type (a method, so TypeScript does not narrow it across #next()). */
  #type(): TokenType {
    return this.tokens[this.#pos].type;
  }
  #look(): Token {
    return this.tokens[Math.min(this.#pos + 1, this.tokens.length - 1)];
  }
  #next(): Token {
    const t = this.#cur;
    if (t.type !== 'eof') this.#pos++;
    return t;
  }
  #test(t: Token, expr: string): boolean {
    const [type, value] = expr.includes(':')
      ? expr.split(':')
      : [expr, undefined];
    return t.type === type && (value === undefined || t.value === value);
  }
  #skipIf(expr: string): boolean {
    if (this.#test(this.#cur, expr)) {
      this.#next();
      return true;
    }
    return false;
  }
  #expect(expr: string): Token {
    const t = this.#cur;
    if (!this.#test(t, expr)) {
      if (t.type === 'eof')
        throw syntaxError(
          `unexpected end of template, expected '${expr.split(':').pop()}'.`,
          t.lineno,
        );
      throw syntaxError(
        `expected token '${expr.split(':').pop()}', got '${describe(t)}'`,
        t.lineno,
      );
    }
    return this.#next();
  }
  #fail(msg: string, lineno = this.#cur.lineno): never {
    throw syntaxError(msg, lineno);
  }

  /** Parses the whole template. */
  parse(): Stmt[] {
    const body = this.#subparse();
    // Jinja2 defers unknown filters/tests inside if/conditional expressions to run time.
    const bad = this.#unknown.find(n => !n.soft);
    if (bad)
      throw syntaxError(`No ${bad.kind} named '${bad.name}'.`, bad.lineno);
    return body;
  }

  /** Runs `fn` in a new (non-conditional) Jinja2 frame, as loop, macro and block bodies are. */
  #inFrame<T>(fn: () => T): T {
    const soft = this.#softDepth;
    this.#softDepth = 0;
    try {
      return fn();
    } finally {
      this.#softDepth = soft;
    }
  }

  #subparse(endTokens?: string[]): Stmt[] {
    const body: Stmt[] = [];
    let data: Array<string | Expr> = [];
    let dataLine = 0;
    const flush = () => {
      if (data.length)
        body.push({ kind: 'output', nodes: data, lineno: dataLine });
      data = [];
    };
    if (endTokens) this.#endStack.push(endTokens);
    try {
      while (this.#type() !== 'eof') {
        const t = this.#cur;
        if (t.type === 'data') {
          if (!data.length) dataLine = t.lineno;
          data.push(t.value);
          this.#next();
        } else if (t.type === 'variable_begin') {
          if (!data.length) dataLine = t.lineno;
          this.#next();
          data.push(this.#parseTuple());
          this.#expect('variable_end');
        } else if (t.type === 'block_begin') {
          flush();
          this.#next();
          if (endTokens && endTokens.some(e => this.#test(this.#cur, e)))
            return body;
          body.push(...this.#parseStatement());
          this.#expect('block_end');
        } else {
          this.#fail('internal parsing error');
        }
      }
      flush();
      return body;
    } finally {
      if (endTokens) this.#endStack.pop();
    }
  }

  #parseStatements(endTokens: string[], dropNeedle = false): Stmt[] {
    this.#skipIf('colon');
    this.#expect('block_end');
    const result = this.#subparse(endTokens);
    if (this.#type() === 'eof') {
      const expected = endTokens
        .map(e => `'${e.split(':').pop()}'`)
        .join(' or ');
      this.#fail(
        `Unexpected end of template. Jinja was looking for the following tags: ${expected}.`,
      );
    }
    if (dropNeedle) this.#next();
    return result;
  }

  #parseStatement(): Stmt[] {
    const t = this.#cur;
    if (t.type !== 'name') this.#fail('tag name expected', t.lineno);
    const lineno = t.lineno;
    switch (t.value) {
      case 'if':
        return [this.#parseIf()];
      case 'for':
        return [this.#parseFor()];
      case 'set':
        return [this.#parseSet()];
      case 'with':
        return [this.#parseWith()];
      case 'macro':
        return [this.#parseMacro()];
      case 'filter':
        return [this.#parseFilterBlock()];
      case 'print': {
        this.#next();
        const nodes: Expr[] = [];
        while (this.#type() !== 'block_end') {
          if (nodes.length) this.#expect('comma');
          nodes.push(this.#parseExpression());
        }
        return [{ kind: 'output', nodes, lineno }];
      }
      case 'now':
        return [this.#parseNow()];
      case 'include':
        return [this.#parseInclude()];
      case 'import':
        return [this.#parseImport()];
      case 'from':
        return [this.#parseFrom()];
      default:
        break;
    }
    if (t.value === 'do' && this.options.doTag) {
      this.#next();
      return [{ kind: 'do', expr: this.#parseTuple(), lineno }];
    }
    if (
      (t.value === 'break' || t.value === 'continue') &&
      this.options.loopControls
    ) {
      this.#next();
      if (this.#loopDepth === 0) this.#fail(`'${t.value}' outside of a loop`);
      return [{ kind: t.value, lineno }];
    }
    if (UNSUPPORTED_TAGS.has(t.value))
      throw unsupported(`the {% ${t.value} %} tag`, lineno);
    const ends = this.#endStack.flat();
    const looking = this.#endStack.length
      ? ` Jinja was looking for the following tags: ${this.#endStack[this.#endStack.length - 1].map(e => `'${e.split(':').pop()}'`).join(' or ')}.`
      : '';
    const nesting = ends.some(e => e.endsWith(`:${t.value}`))
      ? ' You probably made a nesting mistake.'
      : '';
    return this.#fail(
      `Encountered unknown tag '${t.value}'.${nesting}${looking}`,
      lineno,
    );
  }

  #parseIf(): Stmt {
    const lineno = this.#expect('name:if').lineno;
    const branches: Array<[Expr, Stmt[]]> = [];
    let else_: Stmt[] = [];
    this.#softDepth++;
    try {
      for (;;) {
        const test = this.#parseTuple({ withCondexpr: false });
        const body = this.#parseStatements([
          'name:elif',
          'name:else',
          'name:endif',
        ]);
        branches.push([test, body]);
        const tok = this.#next();
        if (tok.value === 'elif') continue;
        if (tok.value === 'else')
          else_ = this.#parseStatements(['name:endif'], true);
        break;
      }
    } finally {
      this.#softDepth--;
    }
    return { kind: 'if', branches, else_, lineno };
  }

  #parseFor(): Stmt {
    const lineno = this.#expect('name:for').lineno;
    const target = this.#parseAssignTarget({ extraEnd: ['name:in'] });
    this.#expect('name:in');
    const iter = this.#parseTuple({
      withCondexpr: false,
      extraEnd: ['name:recursive'],
    });
    let test: Expr | undefined;
    if (this.#skipIf('name:if'))
      test = this.#inFrame(() => this.#parseExpression());
    if (this.#skipIf('name:recursive'))
      throw unsupported('recursive for loops', lineno);
    this.#loopDepth++;
    let body: Stmt[];
    try {
      body = this.#inFrame(() =>
        this.#parseStatements(['name:endfor', 'name:else']),
      );
    } finally {
      this.#loopDepth--;
    }
    const else_ =
      this.#next().value === 'endfor'
        ? []
        : this.#parseStatements(['name:endfor'], true);
    return { kind: 'for', target, iter, body, else_, test, lineno };
  }

  #parseSet(): Stmt {
    const lineno = this.#next().lineno;
    const target = this.#parseAssignTarget({ withNamespace: true });
    if (this.#skipIf('assign'))
      return { kind: 'assign', target, expr: this.#parseTuple(), lineno };
    const filter = this.#parseFilter(null) as FilterExpr | null;
    const body = this.#inFrame(() =>
      this.#parseStatements(['name:endset'], true),
    );
    return {
      kind: 'assignblock',
      target,
      filter: filter ?? undefined,
      body,
      lineno,
    };
  }

  #parseWith(): Stmt {
    const lineno = this.#next().lineno;
    const targets: Expr[] = [];
    const values: Expr[] = [];
    while (this.#type() !== 'block_end') {
      if (targets.length) this.#expect('comma');
      targets.push(this.#parseAssignTarget());
      this.#expect('assign');
      values.push(this.#parseExpression());
    }
    const body = this.#inFrame(() =>
      this.#parseStatements(['name:endwith'], true),
    );
    return { kind: 'with', targets, values, body, lineno };
  }

  #parseMacro(): Stmt {
    const lineno = this.#next().lineno;
    const name = this.#expect('name').value;
    const params: string[] = [];
    const defaults: Expr[] = [];
    this.#expect('lparen');
    while (this.#type() !== 'rparen') {
      if (params.length) this.#expect('comma');
      const arg = this.#expect('name').value;
      if (this.#skipIf('assign')) defaults.push(this.#parseExpression());
      else if (defaults.length)
        this.#fail('non-default argument follows default argument');
      params.push(arg);
    }
    this.#expect('rparen');
    const outerLoops = this.#loopDepth;
    this.#loopDepth = 0;
    try {
      const body = this.#inFrame(() =>
        this.#parseStatements(['name:endmacro'], true),
      );
      return { kind: 'macro', name, params, defaults, body, lineno };
    } finally {
      this.#loopDepth = outerLoops;
    }
  }

  #parseFilterBlock(): Stmt {
    const lineno = this.#next().lineno;
    const filter = this.#parseFilter(null, true) as FilterExpr;
    const body = this.#inFrame(() =>
      this.#parseStatements(['name:endfilter'], true),
    );
    return { kind: 'filterblock', filter, body, lineno };
  }

  /** `with context` / `without context` after include, import and from (Jinja2's parse_import_context). */
  #parseContext(): boolean | undefined {
    if (
      (this.#test(this.#cur, 'name:with') ||
        this.#test(this.#cur, 'name:without')) &&
      this.#test(this.#look(), 'name:context')
    ) {
      const withContext = this.#next().value === 'with';
      this.#next();
      return withContext;
    }
    return undefined;
  }

  #parseInclude(): Stmt {
    const lineno = this.#next().lineno;
    const template = this.#parseExpression();
    let ignoreMissing = false;
    if (
      this.#test(this.#cur, 'name:ignore') &&
      this.#test(this.#look(), 'name:missing')
    ) {
      ignoreMissing = true;
      this.#next();
      this.#next();
    }
    // Included templates see the current context unless told otherwise.
    return {
      kind: 'include',
      template,
      ignoreMissing,
      withContext: this.#parseContext() ?? true,
      lineno,
    };
  }

  #parseImport(): Stmt {
    const lineno = this.#next().lineno;
    const template = this.#parseExpression();
    this.#expect('name:as');
    const target = this.#parseAssignTarget({ nameOnly: true }) as Extract<
      Expr,
      { kind: 'name' }
    >;
    return {
      kind: 'import',
      template,
      target: target.name,
      withContext: this.#parseContext() ?? false,
      lineno,
    };
  }

  #parseFrom(): Stmt {
    const lineno = this.#next().lineno;
    const template = this.#parseExpression();
    this.#expect('name:import');
    const names: Array<[string, string]> = [];
    let withContext: boolean | undefined;
    for (;;) {
      if (names.length) this.#expect('comma');
      if (this.#type() !== 'name') {
        this.#expect('name');
      }
      withContext = this.#parseContext();
      if (withContext !== undefined) break;
      const target = this.#parseAssignTarget({ nameOnly: true }) as Extract<
        Expr,
        { kind: 'name' }
      >;
      if (target.name.startsWith('_'))
        this.#fail(
          'names starting with an underline can not be imported',
          target.lineno,
        );
      const alias = this.#skipIf('name:as')
        ? (
            this.#parseAssignTarget({ nameOnly: true }) as Extract<
              Expr,
              { kind: 'name' }
            >
          ).name
        : target.name;
      names.push([target.name, alias]);
      withContext = this.#parseContext();
      if (withContext !== undefined || this.#type() !== 'comma') break;
    }
    return {
      kind: 'fromimport',
      template,
      names,
      withContext: withContext ?? false,
      lineno,
    };
  }

  /** jinja2_time's `{% now 'utc' [+|- 'days=1'], '%Y' %}`. */
  #parseNow(): Stmt {
    const lineno = this.#next().lineno;
    const node = this.#parseExpression();
    const format = this.#skipIf('comma') ? this.#parseExpression() : undefined;
    if (node.kind === 'binary' && (node.op === '+' || node.op === '-')) {
      return {
        kind: 'now',
        tz: node.left,
        op: node.op,
        offset: node.right,
        format,
        lineno,
      };
    }
    return { kind: 'now', tz: node, format, lineno };
  }

  #parseAssignTarget(
    opts: {
      extraEnd?: string[];
      withNamespace?: boolean;
      nameOnly?: boolean;
    } = {},
  ): Expr {
    let target: Expr;
    if (opts.withNamespace && this.#look().type === 'dot') {
      const t = this.#expect('name');
      this.#next();
      const attr = this.#expect('name');
      return {
        kind: 'nsref',
        name: t.value,
        attr: attr.value,
        lineno: t.lineno,
      };
    }
    if (opts.nameOnly) {
      const t = this.#expect('name');
      target = { kind: 'name', name: t.value, lineno: t.lineno };
    } else {
      target = this.#parseTuple({ simplified: true, extraEnd: opts.extraEnd });
    }
    const assignable = (e: Expr): boolean =>
      (e.kind === 'name' &&
        !['true', 'false', 'none', 'True', 'False', 'None'].includes(e.name)) ||
      (e.kind === 'tuple' && e.items.every(assignable));
    if (!assignable(target))
      this.#fail(`can't assign to '${target.kind}'`, target.lineno);
    return target;
  }

  // ------------------------------------------------------------ expressions

  #parseExpression(withCondexpr = true): Expr {
    return withCondexpr ? this.#parseCondexpr() : this.#parseOr();
  }

  #parseCondexpr(): Expr {
    let lineno = this.#cur.lineno;
    let expr1 = this.#parseOr();
    while (this.#skipIf('name:if')) {
      this.#softDepth++;
      try {
        const test = this.#parseOr();
        const expr2 = this.#skipIf('name:else')
          ? this.#parseCondexpr()
          : undefined;
        markSoft(expr1);
        if (!expr2) this.bareCondexprLine ??= lineno;
        expr1 = { kind: 'condexpr', test, expr1, expr2, lineno };
      } finally {
        this.#softDepth--;
      }
      lineno = this.#cur.lineno;
    }
    return expr1;
  }

  #parseOr(): Expr {
    let left = this.#parseAnd();
    while (this.#type() === 'name' && this.#cur.value === 'or') {
      const lineno = this.#next().lineno;
      left = { kind: 'or', left, right: this.#parseAnd(), lineno };
    }
    return left;
  }

  #parseAnd(): Expr {
    let left = this.#parseNot();
    while (this.#type() === 'name' && this.#cur.value === 'and') {
      const lineno = this.#next().lineno;
      left = { kind: 'and', left, right: this.#parseNot(), lineno };
    }
    return left;
  }

  #parseNot(): Expr {
    if (this.#test(this.#cur, 'name:not')) {
      const lineno = this.#next().lineno;
      return { kind: 'not', node: this.#parseNot(), lineno };
    }
    return this.#parseCompare();
  }

  #parseCompare(): Expr {
    const lineno = this.#cur.lineno;
    const expr = this.#parseMath1();
    const ops: Array<[string, Expr]> = [];
    for (;;) {
      const op = COMPARE[this.#type()];
      if (op) {
        this.#next();
        ops.push([op, this.#parseMath1()]);
      } else if (this.#skipIf('name:in')) {
        ops.push(['in', this.#parseMath1()]);
      } else if (
        this.#test(this.#cur, 'name:not') &&
        this.#test(this.#look(), 'name:in')
      ) {
        this.#next();
        this.#next();
        ops.push(['notin', this.#parseMath1()]);
      } else {
        break;
      }
    }
    return ops.length ? { kind: 'compare', expr, ops, lineno } : expr;
  }

  #parseMath1(): Expr {
    let left = this.#parseConcat();
    for (let op = MATH1[this.#type()]; op; op = MATH1[this.#type()]) {
      const lineno = this.#next().lineno;
      left = { kind: 'binary', op, left, right: this.#parseConcat(), lineno };
    }
    return left;
  }

  #parseConcat(): Expr {
    const lineno = this.#cur.lineno;
    const nodes = [this.#parseMath2()];
    while (this.#type() === 'tilde') {
      this.#next();
      nodes.push(this.#parseMath2());
    }
    return nodes.length === 1 ? nodes[0] : { kind: 'concat', nodes, lineno };
  }

  #parseMath2(): Expr {
    let left = this.#parsePow();
    for (let op = MATH2[this.#type()]; op; op = MATH2[this.#type()]) {
      const lineno = this.#next().lineno;
      left = { kind: 'binary', op, left, right: this.#parsePow(), lineno };
    }
    return left;
  }

  #parsePow(): Expr {
    let left = this.#parseUnary();
    while (this.#type() === 'pow') {
      const lineno = this.#next().lineno;
      left = {
        kind: 'binary',
        op: '**',
        left,
        right: this.#parseUnary(),
        lineno,
      };
    }
    return left;
  }

  #parseUnary(withFilter = true): Expr {
    const t = this.#cur;
    let node: Expr;
    if (t.type === 'sub' || t.type === 'add') {
      this.#next();
      node = {
        kind: 'unary',
        op: t.type === 'sub' ? '-' : '+',
        node: this.#parseUnary(false),
        lineno: t.lineno,
      };
    } else {
      node = this.#parsePrimary();
    }
    node = this.#parsePostfix(node);
    if (withFilter) node = this.#parseFilterExpr(node);
    return node;
  }

  #parsePrimary(): Expr {
    const t = this.#cur;
    const lineno = t.lineno;
    if (t.type === 'name') {
      this.#next();
      if (t.value === 'true' || t.value === 'True')
        return { kind: 'const', value: true, lineno };
      if (t.value === 'false' || t.value === 'False')
        return { kind: 'const', value: false, lineno };
      if (t.value === 'none' || t.value === 'None')
        return { kind: 'const', value: null, lineno };
      return { kind: 'name', name: t.value, lineno };
    }
    if (t.type === 'string') {
      let value = '';
      while (this.#type() === 'string') value += this.#next().value;
      return { kind: 'const', value, lineno };
    }
    if (t.type === 'integer') {
      this.#next();
      return { kind: 'const', value: t.num!, lineno };
    }
    if (t.type === 'float') {
      this.#next();
      return { kind: 'const', value: new PyFloat(t.num!), lineno };
    }
    if (t.type === 'lparen') {
      this.#next();
      const node = this.#parseTuple({ explicitParens: true });
      this.#expect('rparen');
      return node;
    }
    if (t.type === 'lbracket') return this.#parseList();
    if (t.type === 'lbrace') return this.#parseDict();
    return this.#fail(`unexpected '${describe(t)}'`, lineno);
  }

  #parseTuple(
    o: {
      simplified?: boolean;
      withCondexpr?: boolean;
      extraEnd?: string[];
      explicitParens?: boolean;
    } = {},
  ): Expr {
    const lineno = this.#cur.lineno;
    const parse = (): Expr =>
      o.simplified
        ? this.#parsePrimary()
        : this.#parseExpression(o.withCondexpr ?? true);
    const items: Expr[] = [];
    let isTuple = false;
    for (;;) {
      if (items.length) this.#expect('comma');
      const c = this.#cur;
      if (
        ['variable_end', 'block_end', 'rparen'].includes(c.type) ||
        (o.extraEnd ?? []).some(e => this.#test(c, e))
      )
        break;
      items.push(parse());
      if (this.#type() === 'comma') isTuple = true;
      else break;
    }
    if (!isTuple) {
      if (items.length) return items[0];
      if (!o.explicitParens)
        this.#fail(`Expected an expression, got '${describe(this.#cur)}'`);
    }
    return { kind: 'tuple', items, lineno };
  }

  #parseList(): Expr {
    const lineno = this.#expect('lbracket').lineno;
    const items: Expr[] = [];
    while (this.#type() !== 'rbracket') {
      if (items.length) this.#expect('comma');
      if (this.#type() === 'rbracket') break;
      items.push(this.#parseExpression());
    }
    this.#expect('rbracket');
    return { kind: 'list', items, lineno };
  }

  #parseDict(): Expr {
    const lineno = this.#expect('lbrace').lineno;
    const pairs: Array<[Expr, Expr]> = [];
    while (this.#type() !== 'rbrace') {
      if (pairs.length) this.#expect('comma');
      if (this.#type() === 'rbrace') break;
      const key = this.#parseExpression();
      this.#expect('colon');
      pairs.push([key, this.#parseExpression()]);
    }
    this.#expect('rbrace');
    return { kind: 'dict', pairs, lineno };
  }

  #parsePostfix(start: Expr): Expr {
    let node = start;
    for (;;) {
      const type = this.#type();
      if (type === 'dot' || type === 'lbracket')
        node = this.#parseSubscript(node);
      else if (type === 'lparen') node = this.#parseCall(node);
      else return node;
    }
  }

  #parseFilterExpr(start: Expr): Expr {
    let node = start;
    for (;;) {
      const t = this.#cur;
      if (t.type === 'pipe') node = this.#parseFilter(node)!;
      else if (t.type === 'name' && t.value === 'is')
        node = this.#parseTest(node);
      else if (t.type === 'lparen') node = this.#parseCall(node);
      else return node;
    }
  }

  #parseSubscript(node: Expr): Expr {
    const t = this.#next();
    if (t.type === 'dot') {
      const attr = this.#next();
      if (attr.type === 'name')
        return { kind: 'getattr', node, attr: attr.value, lineno: t.lineno };
      if (attr.type !== 'integer')
        this.#fail('expected name or number', attr.lineno);
      return {
        kind: 'getitem',
        node,
        arg: { kind: 'const', value: attr.num!, lineno: attr.lineno },
        lineno: t.lineno,
      };
    }
    const args: Expr[] = [];
    while (this.#type() !== 'rbracket') {
      if (args.length) this.#expect('comma');
      args.push(this.#parseSubscribed());
    }
    this.#expect('rbracket');
    const arg =
      args.length === 1
        ? args[0]
        : { kind: 'tuple' as const, items: args, lineno: t.lineno };
    return { kind: 'getitem', node, arg, lineno: t.lineno };
  }

  #parseSubscribed(): Expr {
    const lineno = this.#cur.lineno;
    const parts: Array<Expr | undefined> = [];
    if (this.#type() === 'colon') {
      this.#next();
      parts.push(undefined);
    } else {
      const node = this.#parseExpression();
      if (this.#type() !== 'colon') return node;
      this.#next();
      parts.push(node);
    }
    if (this.#type() === 'colon') parts.push(undefined);
    else if (this.#type() !== 'rbracket' && this.#type() !== 'comma')
      parts.push(this.#parseExpression());
    else parts.push(undefined);
    if (this.#type() === 'colon') {
      this.#next();
      parts.push(
        this.#type() !== 'rbracket' && this.#type() !== 'comma'
          ? this.#parseExpression()
          : undefined,
      );
    }
    return {
      kind: 'slice',
      start: parts[0],
      stop: parts[1],
      step: parts[2],
      lineno,
    };
  }

  #parseCallArgs(): CallArgs {
    const lp = this.#expect('lparen');
    const out: CallArgs = { args: [], kwargs: [] };
    const ensure = (ok: boolean) => {
      if (!ok)
        this.#fail('invalid syntax for function call expression', lp.lineno);
    };
    let requireComma = false;
    while (this.#type() !== 'rparen') {
      if (requireComma) {
        this.#expect('comma');
        if (this.#type() === 'rparen') break;
      }
      if (this.#type() === 'mul') {
        ensure(!out.dynArgs && !out.dynKwargs);
        this.#next();
        out.dynArgs = this.#parseExpression();
      } else if (this.#type() === 'pow') {
        ensure(!out.dynKwargs);
        this.#next();
        out.dynKwargs = this.#parseExpression();
      } else if (this.#type() === 'name' && this.#look().type === 'assign') {
        ensure(!out.dynKwargs);
        const key = this.#next().value;
        this.#next();
        out.kwargs.push([key, this.#parseExpression()]);
      } else {
        ensure(!out.dynArgs && !out.dynKwargs && !out.kwargs.length);
        out.args.push(this.#parseExpression());
      }
      requireComma = true;
    }
    this.#expect('rparen');
    return out;
  }

  #parseCall(node: Expr): Expr {
    const lineno = this.#cur.lineno;
    return { kind: 'call', node, ...this.#parseCallArgs(), lineno };
  }

  #dottedName(): [string, number] {
    const t = this.#expect('name');
    let name = t.value;
    while (this.#type() === 'dot') {
      this.#next();
      name += `.${this.#expect('name').value}`;
    }
    return [name, t.lineno];
  }

  #parseFilter(node: Expr | null, startInline = false): Expr | null {
    let result = node;
    let inline = startInline;
    while (this.#type() === 'pipe' || inline) {
      if (!inline) this.#next();
      inline = false;
      const [name, lineno] = this.#dottedName();
      const args =
        this.#type() === 'lparen'
          ? this.#parseCallArgs()
          : { args: [], kwargs: [] };
      const filter: FilterExpr = {
        kind: 'filter',
        node: result,
        name,
        ...args,
        soft: this.#softDepth > 0,
        lineno,
      };
      if (!this.options.knownFilter(name)) this.#unknown.push(filter);
      result = filter;
    }
    return result;
  }

  #parseTest(node: Expr): Expr {
    const lineno = this.#next().lineno;
    const negated = this.#skipIf('name:not');
    const [name] = this.#dottedName();
    let args: CallArgs = { args: [], kwargs: [] };
    const c = this.#cur;
    if (c.type === 'lparen') {
      args = this.#parseCallArgs();
    } else if (
      [
        'name',
        'string',
        'integer',
        'float',
        'lparen',
        'lbracket',
        'lbrace',
      ].includes(c.type) &&
      !['else', 'or', 'and'].some(k => this.#test(c, `name:${k}`))
    ) {
      if (this.#test(c, 'name:is'))
        this.#fail('You cannot chain multiple tests with is');
      args = { args: [this.#parsePostfix(this.#parsePrimary())], kwargs: [] };
    }
    const test: Extract<Expr, { kind: 'test' }> = {
      kind: 'test',
      node,
      name,
      ...args,
      soft: this.#softDepth > 0,
      lineno,
    };
    if (!this.options.knownTest(name)) this.#unknown.push(test);
    return negated ? { kind: 'not', node: test, lineno } : test;
  }
}
