/*
 * Which secrets the input values a caller supplies would read. Runtime input
 * values are pasted into the pipeline and evaluated by the executor like the
 * pipeline's own text, so `<+secrets.getValue("x")>` in an input value would
 * read any configured secret. The engine checks what this module finds
 * against the caller's permissions before it queues the execution.
 */
import type { YamlValue } from '../model/types';
import { scanTemplate, type ExpressionNode } from '../expressions/scan';
import { tokenize, type Token } from '../expressions/tokenize';
import type { RuntimeInputInfo } from './collectInputs';
import { normalizeInputSet } from './inputSet';

/**
 * One secret an input value would read.
 *
 * @public
 */
export interface InputSecretUse {
  /** The input's key as the caller wrote it (short name or FQN). */
  input: string;
  /** The input's fully-qualified name. */
  fqn: string;
  /**
   * The secret id (`account.`/`org.` prefixes removed), or undefined when
   * the expression computes it, which cannot be checked before running.
   */
  secretId?: string;
  /** What reads it: the expression as written, or the value of a Secret variable. */
  source: string;
  /**
   * `expression`: a `secrets` reference; `secretVariable`: the value of a
   * Secret-type variable names the secret; `variableReference`: the
   * expression reads a Secret-type variable of the pipeline.
   */
  kind: 'expression' | 'secretVariable' | 'variableReference';
}

/**
 * Secret-type variables of a pipeline by name, with the secret each names (undefined when it cannot be known).
 *
 * @public
 */
export type SecretVariables = ReadonlyMap<string, string | undefined>;

/** The secret a Secret variable's value names: `account.x`, `x` or `<+secrets.getValue("x")>`. */
function secretIdOfValue(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.trim()) return undefined;
  const text = value.trim();
  if (!text.includes('<+')) return normalizeSecretId(text);
  const refs = findSecretReferences(text);
  return refs.length === 1 && text === refs[0].source
    ? refs[0].secretId
    : undefined;
}

/**
 * Every Secret-type variable of a (resolved) pipeline document, at any
 * scope (pipeline, stage, step group), by name. Names are not told apart
 * by scope: a reference to any variable of that name counts as a read.
 *
 * @public
 */
export function collectSecretVariables(
  pipelineDoc: unknown,
): Map<string, string | undefined> {
  const found = new Map<string, string | undefined>();
  const walk = (node: unknown, depth: number): void => {
    if (depth > 64 || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach(item => walk(item, depth + 1));
      return;
    }
    const record = node as Record<string, unknown>;
    if (Array.isArray(record.variables)) {
      for (const variable of record.variables) {
        const v = variable as {
          name?: unknown;
          type?: unknown;
          value?: unknown;
        } | null;
        if (
          v &&
          typeof v.name === 'string' &&
          String(v.type).toLowerCase() === 'secret'
        ) {
          // Two variables of one name naming different secrets: unknown, so refused.
          const id = secretIdOfValue(v.value);
          found.set(
            v.name,
            found.has(v.name) && found.get(v.name) !== id ? undefined : id,
          );
        }
      }
    }
    Object.values(record).forEach(value => walk(value, depth + 1));
  };
  walk(pipelineDoc, 0);
  return found;
}

/**
 * `account.x` and `org.x` name secret `x`, as the engine resolves them.
 *
 * @public
 */
export function normalizeSecretId(id: string): string {
  return id.trim().replace(/^(account|org)\./, '');
}

function plainString(token: Token | undefined): string | undefined {
  if (token?.kind !== 'string') return undefined;
  if (token.pieces.some(piece => typeof piece !== 'string')) return undefined;
  return token.pieces.join('');
}

function isOp(token: Token | undefined, value: string): boolean {
  return token?.kind === 'op' && token.value === value;
}

/** Secret references in one expression and the expressions nested in it. */
function secretsInExpression(
  node: ExpressionNode,
  found: Array<{ secretId?: string; source: string; variable?: string }>,
  secretVariables: SecretVariables,
): void {
  let tokens: Token[];
  try {
    tokens = tokenize(node.parts);
  } catch {
    // Unparseable: it cannot run either, but refuse it if it names secrets.
    if (/\bsecrets\b/.test(node.body)) found.push({ source: node.source });
    return;
  }
  tokens.forEach((token, index) => {
    if (token.kind === 'hole')
      secretsInExpression(token.node, found, secretVariables);
    if (token.kind === 'string') {
      for (const piece of token.pieces) {
        if (typeof piece !== 'string')
          secretsInExpression(piece, found, secretVariables);
      }
    }
    // `<+pipeline.variables.token>`, `<+stage.variables["token"]>`: a Secret variable's value.
    if (
      token.kind === 'ident' &&
      token.value === 'variables' &&
      secretVariables.size
    ) {
      const next = tokens[index + 1];
      const after = tokens[index + 2];
      let name: string | undefined;
      if (isOp(next, '.') && after?.kind === 'ident') name = after.value;
      else if (isOp(next, '[')) name = plainString(after);
      if (name !== undefined && secretVariables.has(name)) {
        const secretId = secretVariables.get(name);
        found.push({
          source: node.source,
          variable: name,
          ...(secretId !== undefined ? { secretId } : {}),
        });
      } else if (isOp(next, '[') && name === undefined) {
        // A computed variable name could be any Secret variable.
        found.push({ source: node.source, variable: '(computed name)' });
      }
    }
    if (token.kind !== 'ident' || token.value !== 'secrets') return;
    // `x.secrets` is a member of something else, not the secrets root.
    if (isOp(tokens[index - 1], '.')) return;
    const literal =
      isOp(tokens[index + 1], '.') &&
      tokens[index + 2]?.kind === 'ident' &&
      (tokens[index + 2] as { value: string }).value === 'getValue' &&
      isOp(tokens[index + 3], '(') &&
      isOp(tokens[index + 5], ')')
        ? plainString(tokens[index + 4])
        : undefined;
    found.push({
      source: node.source,
      ...(literal !== undefined
        ? { secretId: normalizeSecretId(literal) }
        : {}),
    });
  });
}

/**
 * Secret references in every `<+...>` of a text.
 *
 * @public
 */
export function findSecretReferences(
  text: string,
  secretVariables: SecretVariables = new Map(),
): Array<{ secretId?: string; source: string; variable?: string }> {
  const found: Array<{ secretId?: string; source: string; variable?: string }> =
    [];
  if (!text.includes('<+')) return found;
  let segments;
  try {
    segments = scanTemplate(text);
  } catch {
    if (/\bsecrets\b/.test(text)) found.push({ source: text });
    return found;
  }
  for (const segment of segments) {
    if (segment.kind === 'expression')
      secretsInExpression(segment.node, found, secretVariables);
  }
  return found;
}

function strings(value: YamlValue, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach(item => strings(item, out));
  else if (value !== null && typeof value === 'object') {
    Object.values(value).forEach(item => strings(item as YamlValue, out));
  }
  return out;
}

/**
 * Every secret the values of `inputSet` would read when the pipeline runs:
 * `secrets` references in their expressions, and the secret a value of a
 * Secret-type variable names (`account.x`, `x`), and references to Secret
 * variables (`secretVariables`, see {@link collectSecretVariables}).
 * `runtimeInputs` tells which inputs are Secret variables.
 *
 * @public
 */
export function findInputSecretUses(
  inputSet: unknown,
  runtimeInputs: readonly RuntimeInputInfo[] = [],
  secretVariables: SecretVariables = new Map(),
): InputSecretUse[] {
  const secretVariableInputs = new Set(
    runtimeInputs
      .filter(info => info.variableType === 'Secret')
      .map(info => info.fqn),
  );
  const uses: InputSecretUse[] = [];
  for (const entry of normalizeInputSet(inputSet).entries) {
    for (const text of strings(entry.value)) {
      for (const { variable, ...ref } of findSecretReferences(
        text,
        secretVariables,
      )) {
        uses.push({
          input: entry.key,
          fqn: entry.fqn,
          kind: variable === undefined ? 'expression' : 'variableReference',
          ...ref,
        });
      }
      if (
        secretVariableInputs.has(entry.fqn) &&
        !text.includes('<+') &&
        text.trim()
      ) {
        uses.push({
          input: entry.key,
          fqn: entry.fqn,
          kind: 'secretVariable',
          secretId: normalizeSecretId(text),
          source: text,
        });
      }
    }
  }
  return uses;
}
