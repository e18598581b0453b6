import { scanTemplate, type ExpressionNode } from '../expressions/scan';
import { tokenize, type Token } from '../expressions/tokenize';
import { listPipelineFields, type PipelineField } from '../inputs/fqn';
import {
  choicesOf,
  hasExpression,
  isRuntimeInput,
  parseRuntimeInput,
} from '../inputs/runtimeInput';
import type { YamlValue } from '../model/types';
import type { ProblemCollector } from './collector';

/*
 * Script injection check. Harness pastes expression results into script text,
 * so `echo "Hello, <+pipeline.variables.name>"` runs `$(id)` when someone
 * types that into a form. A script body (`spec.command`, `spec.script`,
 * `spec.source.spec.script`) that contains an expression which can carry a
 * value chosen by whoever runs the pipeline gets a warning; the fix is to
 * pass the value through the step's environment and read `"$NAME"`.
 *
 * An expression carries a runtime value when it references
 * - `trigger.*` (the webhook payload and what is derived from it), except
 *   `trigger.type` and `trigger.triggerName`, which the engine sets;
 * - `inputs.*`;
 * - any field of the pipeline whose value is a runtime input (`<+input>`),
 *   by fully-qualified name (`pipeline.variables.x`,
 *   `pipeline.stages.s.variables.x`, `...steps.y.spec.branch`) or through
 *   `stage.variables.x` / `stepGroup.variables.x` in scope, unless the input
 *   only allows a fixed list of literal values (`.allowedValues(a,b)`);
 * - a field whose value is itself such an expression (followed transitively).
 * A script that is itself a runtime input is reported too. Step outputs are
 * not followed: what a script prints is the script author's responsibility.
 */

const SCRIPT_FIELD =
  /\.steps\.[^.]+\.spec\.(?:command|script|source\.spec\.script)$/;
const ENGINE_SET_TRIGGER_FIELDS = new Set(['type', 'triggerName']);

/** A reference path found in an expression, and where. */
interface Reference {
  segments: string[];
  /** The innermost `<+...>` that holds it, as written. */
  source: string;
  /** Offset of that expression in the text. */
  offset: number;
}

/** Dotted/indexed name chains (`a.b["c"].d`) in an expression body, method names excluded. */
function referencesInTokens(
  tokens: Token[],
  node: ExpressionNode,
  out: Reference[],
): void {
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind === 'hole') referencesOf(token.node, out);
    if (token.kind === 'string') {
      for (const piece of token.pieces)
        if (typeof piece !== 'string') referencesOf(piece, out);
    }
    const previous = tokens[i - 1];
    if (
      token.kind !== 'ident' ||
      (previous?.kind === 'op' && previous.value === '.')
    )
      continue;
    const segments = [token.value];
    let j = i + 1;
    for (;;) {
      const [a, b, c] = tokens.slice(j, j + 3);
      if (a?.kind === 'op' && a.value === '.' && b?.kind === 'ident') {
        if (c?.kind === 'op' && c.value === '(') break; // a method call ends the name
        segments.push(b.value);
        j += 2;
      } else if (
        a?.kind === 'op' &&
        a.value === '[' &&
        b?.kind === 'string' &&
        b.pieces.every(p => typeof p === 'string') &&
        c?.kind === 'op' &&
        c.value === ']'
      ) {
        segments.push(b.pieces.join(''));
        j += 3;
      } else {
        break;
      }
    }
    out.push({ segments, source: node.source, offset: node.start });
    i = j - 1;
  }
}

function referencesOf(node: ExpressionNode, out: Reference[]): void {
  try {
    referencesInTokens(tokenize(node.parts), node, out);
  } catch {
    // Syntax errors are reported when the expression is compiled.
  }
}

/** Every reference in the expressions of `text`. */
function expressionReferences(text: string): Reference[] {
  const out: Reference[] = [];
  try {
    for (const segment of scanTemplate(text)) {
      if (segment.kind === 'expression') referencesOf(segment.node, out);
    }
  } catch {
    // Unterminated expressions are reported elsewhere.
  }
  return out;
}

/** True when a runtime input can only take literal values the author listed. */
function fixedChoices(text: string): boolean {
  const { input } = parseRuntimeInput(text);
  const choices = choicesOf(input);
  return (
    !!choices &&
    choices.values.length > 0 &&
    !choices.values.some(hasExpression)
  );
}

/** The fully-qualified name `segments` means when written in the field `fqn`. */
function resolveFqn(segments: string[], fqn: string): string | undefined {
  const [root, second, ...rest] = segments;
  if (root === 'pipeline') return segments.join('.');
  const stage = /^pipeline\.stages\.[^.]+/.exec(fqn)?.[0];
  if (root === 'stage' && second === 'variables' && stage)
    return [stage, 'variables', ...rest].join('.');
  if (root === 'stepGroup' && second === 'variables') {
    // The innermost group: the field's FQN up to the last `.steps.<id>` that is a group's.
    const group = /^(.*\.steps\.[^.]+)\.steps\.[^.]+\..*$/.exec(fqn)?.[1];
    if (group) return [group, 'variables', ...rest].join('.');
  }
  return undefined;
}

class TaintAnalysis {
  private readonly fields = new Map<string, PipelineField>();
  private readonly memo = new Map<string, string | undefined>();

  constructor(fields: PipelineField[]) {
    for (const field of fields) this.fields.set(field.fqn, field);
  }

  /** Why the reference can carry a runtime value, or undefined. */
  why(
    segments: string[],
    fqn: string,
    seen = new Set<string>(),
  ): string | undefined {
    const [root, second] = segments;
    if (
      root === 'trigger' &&
      second !== undefined &&
      !ENGINE_SET_TRIGGER_FIELDS.has(second)
    ) {
      return 'it comes from the trigger payload';
    }
    if (root === 'inputs') return 'it is a runtime input';
    const target = resolveFqn(segments, fqn);
    const field = target && this.fields.get(target);
    return field ? this.fieldTaint(field, seen) : undefined;
  }

  private fieldTaint(
    field: PipelineField,
    seen: Set<string>,
  ): string | undefined {
    if (this.memo.has(field.fqn)) return this.memo.get(field.fqn);
    if (seen.has(field.fqn) || typeof field.value !== 'string')
      return undefined;
    seen.add(field.fqn);
    let why: string | undefined;
    if (isRuntimeInput(field.value)) {
      if (!fixedChoices(field.value)) why = `${field.fqn} is a runtime input`;
    } else if (hasExpression(field.value)) {
      for (const ref of expressionReferences(field.value)) {
        const inner = this.why(ref.segments, field.fqn, seen);
        if (inner) {
          why = `${field.fqn} is ${ref.source}, and ${inner}`;
          break;
        }
      }
    }
    this.memo.set(field.fqn, why);
    return why;
  }
}

/** An environment variable name for the value at `segments`: `name` → `NAME`. */
function envName(segments: string[]): string {
  const last = segments[segments.length - 1] ?? 'VALUE';
  const name = last.replace(/[^A-Za-z0-9_]/g, '_').toUpperCase();
  return /^[A-Z_]/.test(name) ? name : `_${name}`;
}

function hintFor(field: PipelineField, ref: Reference): string {
  const name = envName(ref.segments);
  const expression = `<+${ref.segments.join('.')}>`;
  const shellScript = field.fqn.endsWith('.source.spec.script');
  const declare = shellScript
    ? `environmentVariables: [{name: ${name}, type: String, value: ${expression}}]`
    : `envVariables: {${name}: ${expression}}`;
  return `pass it through ${declare} and reference "$${name}" (quoted) in the script`;
}

/** Warnings for script bodies that paste runtime values into script text. */
export function checkScriptInputs(
  document: YamlValue,
  c: ProblemCollector,
): void {
  const fields = listPipelineFields(document);
  const taint = new TaintAnalysis(fields);
  for (const field of fields) {
    if (!SCRIPT_FIELD.test(field.fqn) || typeof field.value !== 'string')
      continue;
    const script: string = field.value;
    if (isRuntimeInput(script as unknown)) {
      c.warn(
        field.segments,
        'script-runtime-input',
        'the script itself is a runtime input: whoever runs the pipeline chooses the commands it runs',
        "write the script in the pipeline and pass values through the step's environment variables",
      );
      continue;
    }
    const reported = new Set<string>();
    for (const ref of expressionReferences(script)) {
      const why = taint.why(ref.segments, field.fqn);
      const key = ref.segments.join('.');
      if (!why || reported.has(key)) continue;
      reported.add(key);
      const line = script.slice(0, ref.offset).split('\n').length;
      c.warn(
        field.segments,
        'script-expression-input',
        `script line ${line} pastes ${ref.source} into the script text, and ${why}: whoever runs the pipeline can run shell commands (e.g. $(id)) on the runner`,
        hintFor(field, ref),
      );
    }
  }
}
