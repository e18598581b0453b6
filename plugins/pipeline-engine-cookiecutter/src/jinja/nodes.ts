import type { PyValue } from './values';

/* The template syntax tree, after jinja2/nodes.py (only what we render). */

interface Base {
  lineno: number;
}

/** Call arguments shared by calls, filters and tests. */
export interface CallArgs {
  args: Expr[];
  kwargs: Array<[string, Expr]>;
  dynArgs?: Expr;
  dynKwargs?: Expr;
}

export type Expr =
  | (Base & { kind: 'const'; value: PyValue })
  | (Base & { kind: 'name'; name: string })
  | (Base & { kind: 'list'; items: Expr[] })
  | (Base & { kind: 'tuple'; items: Expr[] })
  | (Base & { kind: 'dict'; pairs: Array<[Expr, Expr]> })
  | (Base & { kind: 'getattr'; node: Expr; attr: string })
  | (Base & { kind: 'getitem'; node: Expr; arg: Expr })
  | (Base & { kind: 'slice'; start?: Expr; stop?: Expr; step?: Expr })
  | (Base & CallArgs & { kind: 'call'; node: Expr })
  | (Base &
      CallArgs & {
        kind: 'filter';
        node: Expr | null;
        name: string;
        soft: boolean;
      })
  | (Base &
      CallArgs & { kind: 'test'; node: Expr; name: string; soft: boolean })
  | (Base & { kind: 'condexpr'; test: Expr; expr1: Expr; expr2?: Expr })
  | (Base & { kind: 'binary'; op: string; left: Expr; right: Expr })
  | (Base & { kind: 'concat'; nodes: Expr[] })
  | (Base & { kind: 'compare'; expr: Expr; ops: Array<[string, Expr]> })
  | (Base & { kind: 'and' | 'or'; left: Expr; right: Expr })
  | (Base & { kind: 'not'; node: Expr })
  | (Base & { kind: 'unary'; op: '-' | '+'; node: Expr })
  | (Base & { kind: 'nsref'; name: string; attr: string });

export type FilterExpr = Extract<Expr, { kind: 'filter' }>;

export type Stmt =
  | (Base & { kind: 'output'; nodes: Array<string | Expr> })
  | (Base & { kind: 'if'; branches: Array<[Expr, Stmt[]]>; else_: Stmt[] })
  | (Base & {
      kind: 'for';
      target: Expr;
      iter: Expr;
      body: Stmt[];
      else_: Stmt[];
      test?: Expr;
    })
  | (Base & { kind: 'assign'; target: Expr; expr: Expr })
  | (Base & {
      kind: 'assignblock';
      target: Expr;
      filter?: FilterExpr;
      body: Stmt[];
    })
  | (Base & { kind: 'filterblock'; filter: FilterExpr; body: Stmt[] })
  | (Base & { kind: 'with'; targets: Expr[]; values: Expr[]; body: Stmt[] })
  | (Base & {
      kind: 'macro';
      name: string;
      params: string[];
      defaults: Expr[];
      body: Stmt[];
    })
  | (Base & { kind: 'do'; expr: Expr })
  | (Base & { kind: 'break' | 'continue' })
  | (Base & {
      kind: 'now';
      tz: Expr;
      op?: '+' | '-';
      offset?: Expr;
      format?: Expr;
    })
  | (Base & {
      kind: 'include';
      template: Expr;
      ignoreMissing: boolean;
      withContext: boolean;
    })
  | (Base & {
      kind: 'import';
      template: Expr;
      target: string;
      withContext: boolean;
    })
  /** `{% from t import a, b as c %}`: names are [exported name, local name]. */
  | (Base & {
      kind: 'fromimport';
      template: Expr;
      names: Array<[string, string]>;
      withContext: boolean;
    });
