import { javaRegexProblem } from '../expressions/javaRegex';
import { scanTemplate, type ExpressionNode } from '../expressions/scan';
import { tokenize, type Token } from '../expressions/tokenize';
import type { YamlValue } from '../model/types';
import type { YamlPath } from '../parser/yamlPath';
import type { ProblemCollector } from './collector';
import { isMap } from './readers';

/*
 * Regexes written as string literals in expressions
 * (`<+x.replaceAll("(a)\\1", "")>`) are checked when the pipeline is
 * validated, so a construct RE2 cannot run in linear time (backreferences,
 * lookaround) is refused before anything runs, naming the field.
 */

/** String methods whose first argument is a Java regex. */
const REGEX_METHODS = new Set([
  'replaceAll',
  'replaceFirst',
  'split',
  'matches',
]);

/** `method("literal"` at `tokens[i]`: the regex, when it has no nested expression. */
function literalRegexAt(
  tokens: Token[],
  i: number,
): { method: string; regex: string } | undefined {
  const [dot, name, open, arg] = tokens.slice(i, i + 4);
  if (dot?.kind !== 'op' || dot.value !== '.') return undefined;
  if (name?.kind !== 'ident' || !REGEX_METHODS.has(name.value))
    return undefined;
  if (open?.kind !== 'op' || open.value !== '(') return undefined;
  if (arg?.kind !== 'string' || !arg.pieces.every(p => typeof p === 'string'))
    return undefined;
  return { method: name.value, regex: arg.pieces.join('') };
}

function checkNode(
  node: ExpressionNode,
  report: (message: string) => void,
): void {
  let tokens: Token[];
  try {
    tokens = tokenize(node.parts);
  } catch {
    return; // syntax errors are reported when the expression is compiled
  }
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind === 'hole') checkNode(token.node, report);
    if (token.kind === 'string') {
      token.pieces.forEach(p => typeof p !== 'string' && checkNode(p, report));
    }
    const call = literalRegexAt(tokens, i);
    const problem = call && javaRegexProblem(call.regex);
    if (call && problem) report(`${node.source}: ${call.method}() ${problem}`);
  }
}

function checkString(text: string, path: YamlPath, c: ProblemCollector): void {
  let segments;
  try {
    segments = scanTemplate(text);
  } catch {
    return;
  }
  for (const segment of segments) {
    if (segment.kind !== 'expression') continue;
    checkNode(segment.node, message =>
      c.error(
        path,
        'expression-regex-unsupported',
        message,
        'rewrite the regex without backreferences, lookaround, atomic groups or possessive quantifiers',
      ),
    );
  }
}

/** Errors for literal regexes in expressions that RE2 cannot run. */
export function checkExpressionRegexes(
  value: YamlValue,
  path: YamlPath,
  c: ProblemCollector,
): void {
  if (typeof value === 'string') {
    if (value.includes('<+')) checkString(value, path, c);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => checkExpressionRegexes(item, [...path, i], c));
  } else if (isMap(value)) {
    for (const [key, item] of Object.entries(value))
      checkExpressionRegexes(item, [...path, key], c);
  }
}
