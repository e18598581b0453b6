import { JSONPath } from 'jsonpath-plus';

/*
 * The Http step's response expressions, evaluated after the call:
 * `<+httpResponseCode> == 200`, `200==<+httpResponseCode>`,
 * `<+json.select("data.id", httpResponseBody)> == "42" && <+httpResponseCode> != 500`.
 *
 * A small evaluator rather than the engine's ExpressionEngine: these names
 * exist only for this step, and `json.select` is a Harness functor the
 * engine does not have. `<+ ... >` around a sub-expression is optional
 * (FirstGen's bare `json.select("status", httpResponseBody)` works too).
 *
 * Grammar: || && (== !=) (< <= > >=) unary(! -) postfix(.method(args))
 * primary: literal | ( expr ) | <+ expr > | name | json.select(path, text)
 * Inside `<+ ... >` a `>` (outside parentheses) closes the expression.
 */

/** The response values expressions can read. */
export interface HttpResponseValues {
  httpResponseCode: number;
  httpResponseBody: string;
  httpUrl: string;
  httpMethod: string;
}

type Value = unknown;

type Node =
  | { kind: 'literal'; value: Value }
  | { kind: 'name'; name: keyof HttpResponseValues }
  | { kind: 'json'; fn: string; args: Node[] }
  | { kind: 'method'; target: Node; name: string; args: Node[] }
  | { kind: 'not' | 'negate'; operand: Node }
  | { kind: 'binary'; op: string; left: Node; right: Node };

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r' };

const NAMES: ReadonlyArray<keyof HttpResponseValues> = ['httpResponseCode', 'httpResponseBody', 'httpUrl', 'httpMethod'];

/** Thrown for a malformed expression or one that cannot be evaluated. */
export class HttpExpressionError extends Error {
  constructor(message: string, readonly expression: string) {
    super(`${message} in ${JSON.stringify(expression)}`);
    this.name = 'HttpExpressionError';
  }
}

class Parser {
  pos = 0;
  /** Open groupings, innermost last: inside an angle a `>` closes it. */
  private readonly groups: Array<'angle' | 'paren'> = [];

  constructor(readonly src: string) {}

  fail(message: string): never {
    throw new HttpExpressionError(`${message} at position ${this.pos + 1}`, this.src);
  }

  skip(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos])) this.pos++;
  }

  /** Consumes `token` when next, unless `unless` follows it (`=` must not eat `==`). */
  eat(token: string, unless?: RegExp): boolean {
    this.skip();
    if (!this.src.startsWith(token, this.pos)) return false;
    if (unless && unless.test(this.src.slice(this.pos + token.length, this.pos + token.length + 1))) return false;
    this.pos += token.length;
    return true;
  }

  expect(token: string): void {
    if (!this.eat(token)) this.fail(`expected "${token}"`);
  }

  atEnd(): boolean {
    this.skip();
    return this.pos >= this.src.length;
  }

  expression(): Node {
    return this.or();
  }

  /** Exactly one `<+ ... >` at the current position (template rendering). */
  angle(): Node {
    if (!this.src.startsWith('<+', this.pos)) this.fail('expected "<+"');
    return this.primary();
  }

  private or(): Node {
    let left = this.and();
    while (this.eat('||')) left = { kind: 'binary', op: '||', left, right: this.and() };
    return left;
  }

  private and(): Node {
    let left = this.equality();
    while (this.eat('&&')) left = { kind: 'binary', op: '&&', left, right: this.equality() };
    return left;
  }

  private equality(): Node {
    let left = this.relational();
    for (;;) {
      let op: string;
      if (this.eat('==')) op = '==';
      else if (this.eat('!=')) op = '!=';
      else return left;
      left = { kind: 'binary', op, left, right: this.relational() };
    }
  }

  private relational(): Node {
    let left = this.unary();
    for (;;) {
      const inAngle = this.groups[this.groups.length - 1] === 'angle';
      let op: string | undefined;
      if (this.eat('<=')) op = '<=';
      else if (!inAngle && this.eat('>=')) op = '>=';
      else if (this.eat('<', /[+=]/)) op = '<';
      else if (!inAngle && this.eat('>')) op = '>';
      if (!op) return left;
      left = { kind: 'binary', op, left, right: this.unary() };
    }
  }

  private unary(): Node {
    if (this.eat('!', /=/)) return { kind: 'not', operand: this.unary() };
    if (this.eat('-')) return { kind: 'negate', operand: this.unary() };
    return this.postfix();
  }

  private postfix(): Node {
    let node = this.primary();
    while (this.eat('.')) {
      const name = this.identifier() ?? this.fail('expected a method name');
      this.expect('(');
      node = { kind: 'method', target: node, name, args: this.args() };
    }
    return node;
  }

  /** Arguments after `(`, through `)`. */
  private args(): Node[] {
    this.groups.push('paren');
    const args: Node[] = [];
    if (!this.eat(')')) {
      do args.push(this.expression());
      while (this.eat(','));
      this.expect(')');
    }
    this.groups.pop();
    return args;
  }

  private identifier(): string | undefined {
    this.skip();
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.src.slice(this.pos));
    if (!match) return undefined;
    this.pos += match[0].length;
    return match[0];
  }

  private primary(): Node {
    if (this.eat('<+')) {
      this.groups.push('angle');
      const inner = this.expression();
      this.expect('>');
      this.groups.pop();
      return inner;
    }
    if (this.eat('(')) {
      this.groups.push('paren');
      const inner = this.expression();
      this.expect(')');
      this.groups.pop();
      return inner;
    }
    this.skip();
    const c = this.src[this.pos];
    if (c === '"' || c === "'") return { kind: 'literal', value: this.string(c) };
    const number = /^\d+(\.\d+)?/.exec(this.src.slice(this.pos));
    if (number) {
      this.pos += number[0].length;
      return { kind: 'literal', value: Number(number[0]) };
    }
    const start = this.pos;
    const name = this.identifier();
    if (name === undefined) this.fail(this.pos >= this.src.length ? 'unexpected end' : `unexpected "${c}"`);
    if (name === 'true' || name === 'false') return { kind: 'literal', value: name === 'true' };
    if (name === 'null') return { kind: 'literal', value: null };
    if (name === 'json') {
      this.expect('.');
      const fn = this.identifier() ?? this.fail('expected json.select');
      this.expect('(');
      return { kind: 'json', fn, args: this.args() };
    }
    if ((NAMES as readonly string[]).includes(name)) return { kind: 'name', name: name as keyof HttpResponseValues };
    this.pos = start;
    return this.fail(`unknown name "${name}" (available: ${NAMES.join(', ')}, json.select)`);
  }

  private string(quote: string): string {
    let out = '';
    this.pos++;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos++];
      if (c === quote) return out;
      if (c === '\\' && this.pos < this.src.length) {
        const next = this.src[this.pos++];
        out += ESCAPES[next] ?? next;
      } else {
        out += c;
      }
    }
    return this.fail('unterminated string');
  }
}

/** Text of a value: JSON for objects and lists, empty for null. */
export function valueText(value: Value): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function looseEquals(a: Value, b: Value): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a === 'number' || typeof b === 'number') {
    const x = Number(a);
    const y = Number(b);
    if (!Number.isNaN(x) && !Number.isNaN(y) && valueText(a).trim() !== '' && valueText(b).trim() !== '') return x === y;
  }
  return valueText(a) === valueText(b);
}

/** `json.select("data.id", text)`: Jayway-style paths with or without the leading `$`. */
export function jsonSelect(path: string, source: Value): Value {
  let json: Value = source;
  if (typeof source === 'string') {
    try {
      json = JSON.parse(source);
    } catch {
      throw new Error(`json.select(${JSON.stringify(path)}): the text is not JSON (starts with ${JSON.stringify(source.slice(0, 40))})`);
    }
  }
  let full = path;
  if (!path.startsWith('$')) full = path.startsWith('[') ? `$${path}` : `$.${path}`;
  const found = JSONPath({ path: full, json: json as object, wrap: true, eval: 'safe' }) as unknown[];
  if (!found.length) return null;
  return found.length === 1 ? found[0] : found;
}

class Evaluator {
  constructor(private readonly values: HttpResponseValues, private readonly src: string) {}

  fail(message: string): never {
    throw new HttpExpressionError(message, this.src);
  }

  eval(node: Node): Value {
    switch (node.kind) {
      case 'literal':
        return node.value;
      case 'name':
        return this.values[node.name];
      case 'json': {
        if (node.fn !== 'select') this.fail(`json.${node.fn} is not supported (json.select is)`);
        if (node.args.length !== 2) this.fail('json.select takes a path and a text: json.select("data.id", httpResponseBody)');
        try {
          return jsonSelect(valueText(this.eval(node.args[0])), this.eval(node.args[1]));
        } catch (error) {
          return this.fail((error as Error).message);
        }
      }
      case 'method':
        return this.method(valueText(this.eval(node.target)), node.name, node.args.map(a => this.eval(a)));
      case 'not':
        return !this.bool(this.eval(node.operand));
      case 'negate':
        return -this.number(this.eval(node.operand));
      case 'binary':
        return this.binary(node);
      default:
        return this.fail('unknown expression');
    }
  }

  bool(value: Value): boolean {
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
    return this.fail(`expected true or false, got ${JSON.stringify(value)}`);
  }

  private number(value: Value): number {
    const n = typeof value === 'number' ? value : Number(valueText(value));
    if (Number.isNaN(n) || valueText(value).trim() === '') this.fail(`expected a number, got ${JSON.stringify(value)}`);
    return n;
  }

  private binary(node: Extract<Node, { kind: 'binary' }>): Value {
    if (node.op === '&&') return this.bool(this.eval(node.left)) && this.bool(this.eval(node.right));
    if (node.op === '||') return this.bool(this.eval(node.left)) || this.bool(this.eval(node.right));
    const left = this.eval(node.left);
    const right = this.eval(node.right);
    switch (node.op) {
      case '==':
        return looseEquals(left, right);
      case '!=':
        return !looseEquals(left, right);
      case '<':
        return this.number(left) < this.number(right);
      case '<=':
        return this.number(left) <= this.number(right);
      case '>':
        return this.number(left) > this.number(right);
      default:
        return this.number(left) >= this.number(right);
    }
  }

  private method(text: string, name: string, args: Value[]): Value {
    const arg = (i: number) => valueText(args[i]);
    switch (name) {
      case 'contains':
        return text.includes(arg(0));
      case 'startsWith':
        return text.startsWith(arg(0));
      case 'endsWith':
        return text.endsWith(arg(0));
      case 'equals':
        return text === arg(0);
      case 'equalsIgnoreCase':
        return text.toLowerCase() === arg(0).toLowerCase();
      case 'toLowerCase':
        return text.toLowerCase();
      case 'toUpperCase':
        return text.toUpperCase();
      case 'trim':
        return text.trim();
      case 'length':
        return text.length;
      case 'isEmpty':
        return text.length === 0;
      default:
        return this.fail(`unknown method "${name}"`);
    }
  }
}

function parseWhole(src: string): Node {
  const parser = new Parser(src);
  const node = parser.expression();
  if (!parser.atEnd()) parser.fail('unexpected text');
  return node;
}

/** Evaluates an assertion; true or false, or throws {@link HttpExpressionError}. */
export function evaluateAssertion(assertion: string, values: HttpResponseValues): boolean {
  const evaluator = new Evaluator(values, assertion);
  const result = evaluator.eval(parseWhole(assertion));
  if (typeof result === 'boolean') return result;
  return evaluator.bool(result);
}

function usesResponse(node: Node): boolean {
  switch (node.kind) {
    case 'name':
    case 'json':
      return true;
    case 'method':
      return usesResponse(node.target) || node.args.some(usesResponse);
    case 'not':
    case 'negate':
      return usesResponse(node.operand);
    case 'binary':
      return usesResponse(node.left) || usesResponse(node.right);
    default:
      return false;
  }
}

/**
 * An output variable's value: text with `<+...>` expressions rendered, or
 * a bare expression over the response (`json.select("id", httpResponseBody)`),
 * or else the text itself.
 */
export function renderHttpValue(template: string, values: HttpResponseValues): string {
  if (!template.includes('<+')) {
    let node: Node | undefined;
    try {
      node = parseWhole(template);
    } catch {
      node = undefined;
    }
    return node && usesResponse(node) ? valueText(new Evaluator(values, template).eval(node)) : template;
  }
  let out = '';
  let pos = 0;
  while (pos < template.length) {
    const start = template.indexOf('<+', pos);
    if (start < 0) {
      out += template.slice(pos);
      break;
    }
    out += template.slice(pos, start);
    const parser = new Parser(template);
    parser.pos = start;
    const node = parser.angle();
    out += valueText(new Evaluator(values, template).eval(node));
    pos = parser.pos;
  }
  return out;
}
