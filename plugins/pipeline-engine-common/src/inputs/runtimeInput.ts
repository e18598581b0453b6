import type { Problem } from '../validation/problem';
import { didYouMean } from '../validation/suggest';
import { javaRegExp } from '../expressions/javaRegex';
import {
  scanRegexArgument,
  scanValueArguments,
  ScanResult,
} from './argumentScanner';

/**
 * The modifiers Harness allows after `<+input>`.
 *
 * @public
 */
export const RUNTIME_INPUT_MODIFIERS = [
  'default',
  'allowedValues',
  'regex',
  'selectOneFrom',
  'selectManyFrom',
  'executionInput',
] as const;

/**
 * Name of one `<+input>` modifier.
 *
 * @public
 */
export type RuntimeInputModifierName = (typeof RUNTIME_INPUT_MODIFIERS)[number];

/**
 * A parsed `<+input>` string.
 *
 * @public
 */
export interface RuntimeInput {
  /** The text as written, trimmed. */
  raw: string;
  /** Recognised modifiers in the order written, with their raw argument text. */
  modifiers: Array<{ name: RuntimeInputModifierName; args: string }>;
  /** `.default(v)`: used when no value is supplied. */
  default?: string;
  /** `.allowedValues(a,b)`: the value must be one of these. */
  allowedValues?: string[];
  /** `.regex(re)`: the raw pattern; the whole value must match it. */
  regex?: string;
  /** `.selectOneFrom(a,b)`: exactly one of these. */
  selectOneFrom?: string[];
  /** `.selectManyFrom(a,b)`: a comma-separated subset of these. */
  selectManyFrom?: string[];
  /** `.executionInput()`: Harness would ask for it mid-run. */
  executionInput: boolean;
}

/**
 * Result of {@link parseRuntimeInput}; `input` is best effort when not ok.
 *
 * @public
 */
export interface RuntimeInputParseResult {
  ok: boolean;
  input: RuntimeInput;
  problems: Problem[];
}

/**
 * What a value must be chosen from, if anything.
 *
 * @public
 */
export interface RuntimeInputChoices {
  values: string[];
  /** True for `selectManyFrom`: a comma-separated list of choices. */
  many: boolean;
}

const PREFIX = '<+input>';
const MODIFIER_SYNTAX =
  'modifiers are chained as .name(arguments): .default(v), .allowedValues(a,b), .regex(re), .selectOneFrom(a,b), .selectManyFrom(a,b), .executionInput()';
const CHOICE_MODIFIERS = [
  'allowedValues',
  'selectOneFrom',
  'selectManyFrom',
] as const;

/**
 * True when `value` is a runtime input: a string that starts with `<+input>`.
 *
 * @public
 */
export function isRuntimeInput(value: unknown): value is string {
  return typeof value === 'string' && value.trimStart().startsWith(PREFIX);
}

/**
 * The choices a value must come from (allowedValues, selectOneFrom or selectManyFrom).
 *
 * @public
 */
export function choicesOf(
  input: RuntimeInput,
): RuntimeInputChoices | undefined {
  if (input.selectManyFrom) return { values: input.selectManyFrom, many: true };
  const values = input.allowedValues ?? input.selectOneFrom;
  return values ? { values, many: false } : undefined;
}

/**
 * A compiled `.regex()` pattern.
 * @public
 */
export interface InputRegex {
  /** True when the whole value matches (Java `String.matches`). */
  test(value: string): boolean;
}

/**
 * Compiles a Harness (Java) regex for a full match. It runs on RE2, in time
 * linear in the value; constructs without a linear-time equivalent
 * (backreferences, lookaround) come back as an Error saying so.
 * @public
 */
export function compileInputRegex(pattern: string): InputRegex | Error {
  try {
    const re = javaRegExp(pattern);
    return { test: value => re.matches(value) };
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

/**
 * True when text contains a `<+...>` expression that only Harness can evaluate.
 *
 * @public
 */
export function hasExpression(text: string): boolean {
  return text.includes('<+');
}

function isModifierName(name: string): name is RuntimeInputModifierName {
  return (RUNTIME_INPUT_MODIFIERS as readonly string[]).includes(name);
}

/**
 * Parses one `<+input>` string and its chained modifiers. Never throws:
 * malformed text yields error problems (each with a hint) next to a
 * best-effort `input`. `path` is copied into every problem.
 *
 * @public
 */
export function parseRuntimeInput(
  text: string,
  path = '',
): RuntimeInputParseResult {
  const raw = text.trim();
  const input: RuntimeInput = { raw, modifiers: [], executionInput: false };
  const problems: Problem[] = [];
  const error = (code: string, message: string, hint: string) =>
    problems.push({ severity: 'error', code, path, message, hint });

  if (!raw.startsWith(PREFIX)) {
    error(
      'runtime-input-syntax',
      `"${clip(raw)}" is not a runtime input`,
      'a runtime input starts with <+input>',
    );
    return { ok: false, input, problems };
  }

  let pos = PREFIX.length;
  while (pos < raw.length) {
    if (raw[pos] !== '.') {
      const junk = raw.slice(pos);
      error(
        junk.startsWith(')')
          ? 'runtime-input-unbalanced'
          : 'runtime-input-syntax',
        junk.startsWith(')')
          ? `unbalanced ")" at character ${pos + 1} of the runtime input`
          : `unexpected text "${clip(junk)}" at character ${pos + 1} of the runtime input`,
        junk.startsWith(')')
          ? 'remove the extra ")" or quote the value that contains it'
          : MODIFIER_SYNTAX,
      );
      break;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(raw.slice(pos + 1))?.[0] ?? '';
    const nameEnd = pos + 1 + name.length;
    if (!name) {
      error(
        'runtime-input-syntax',
        `expected a modifier name after "." at character ${pos + 1}`,
        MODIFIER_SYNTAX,
      );
      break;
    }
    const known = isModifierName(name);
    if (!known) {
      const suggestion = didYouMean(name, RUNTIME_INPUT_MODIFIERS);
      error(
        'runtime-input-unknown-modifier',
        `unknown runtime input modifier ".${name}"${suggestion ? `; ${suggestion}` : ''}`,
        `use one of ${RUNTIME_INPUT_MODIFIERS.map(m => `.${m}()`).join(', ')}`,
      );
    }
    if (raw[nameEnd] !== '(') {
      error(
        'runtime-input-syntax',
        `modifier ".${name}" must be followed by "(" at character ${nameEnd + 1}`,
        name === 'executionInput'
          ? 'write .executionInput()'
          : `write .${name}(value)`,
      );
      pos = nameEnd;
      continue;
    }
    const scan =
      name === 'regex'
        ? scanRegexArgument(raw, nameEnd + 1)
        : scanValueArguments(raw, nameEnd + 1);
    if (scan.error) {
      error(
        scan.error.message.startsWith('missing')
          ? 'runtime-input-unbalanced'
          : 'runtime-input-syntax',
        `.${name}(...): ${scan.error.message}`,
        scan.error.hint,
      );
      break;
    }
    if (known) applyModifier(input, name, scan, error);
    pos = scan.end + 1;
  }

  checkConsistency(input, error);
  return {
    ok: !problems.some(p => p.severity === 'error'),
    input,
    problems,
  };
}

type ReportError = (code: string, message: string, hint: string) => void;

function applyModifier(
  input: RuntimeInput,
  name: RuntimeInputModifierName,
  scan: ScanResult,
  error: ReportError,
): void {
  if (input.modifiers.some(m => m.name === name)) {
    error(
      'runtime-input-duplicate-modifier',
      `modifier ".${name}" is given more than once`,
      `keep a single .${name}(...)`,
    );
    return;
  }
  input.modifiers.push({ name, args: scan.raw });
  const values = scan.items.map(item => item.value);
  switch (name) {
    case 'executionInput':
      if (scan.raw.trim() !== '') {
        error(
          'runtime-input-arguments',
          `.executionInput() takes no arguments, got "${clip(scan.raw)}"`,
          'write .executionInput()',
        );
      }
      input.executionInput = true;
      return;
    case 'regex':
      if (scan.raw.trim() === '') {
        error(
          'runtime-input-arguments',
          '.regex() needs a pattern',
          'write e.g. .regex(^[a-z]+$)',
        );
        return;
      }
      input.regex = scan.raw;
      return;
    case 'default':
      if (values.length > 1) {
        error(
          'runtime-input-arguments',
          `.default() takes one value, got ${values.length}: ${scan.raw}`,
          `quote a default that contains commas: .default(\\'${scan.raw}\\')`,
        );
      }
      input.default = values[0];
      return;
    default:
      if (scan.items.length === 1 && scan.items[0].raw === '') {
        error(
          'runtime-input-arguments',
          `.${name}() needs at least one value`,
          `write e.g. .${name}(a,b)`,
        );
        return;
      }
      if (scan.items.some(item => item.raw === '')) {
        error(
          'runtime-input-arguments',
          `.${name}(${clip(scan.raw)}) has an empty value`,
          "remove the extra comma, or quote an intentionally empty value as ''",
        );
      }
      input[name] = values;
  }
}

function checkConsistency(input: RuntimeInput, error: ReportError): void {
  const choiceModifiers = CHOICE_MODIFIERS.filter(m => input[m] !== undefined);
  if (choiceModifiers.length > 1) {
    error(
      'runtime-input-conflicting-modifiers',
      `${choiceModifiers.map(m => `.${m}()`).join(' and ')} cannot be combined`,
      'keep one list of choices',
    );
  }
  let regex: InputRegex | undefined;
  if (input.regex !== undefined) {
    const compiled = compileInputRegex(input.regex);
    if (compiled instanceof Error) {
      error(
        'runtime-input-invalid-regex',
        `.regex(${clip(input.regex)}) is not a valid regular expression: ${compiled.message}`,
        'use Java regex syntax without backreferences, lookaround, atomic groups or possessive quantifiers (regexes run on RE2, in linear time)',
      );
    } else {
      regex = compiled;
    }
  }
  const def = input.default;
  if (def === undefined || hasExpression(def)) return;
  const choices = choicesOf(input);
  if (choices && !choices.values.some(hasExpression)) {
    const picked = choices.many ? splitSelection(def) : [def];
    const outside = picked.filter(v => !choices.values.includes(v));
    if (outside.length > 0) {
      error(
        'runtime-input-default-not-allowed',
        `default "${def}" is not one of the allowed values`,
        `allowed values: ${choices.values.join(', ')}; add the default to the list or change it`,
      );
    }
  }
  if (regex && !regex.test(def)) {
    error(
      'runtime-input-default-not-allowed',
      `default "${def}" does not match the regex ${input.regex}`,
      'change the default or the regex',
    );
  }
}

/**
 * Splits a `selectManyFrom` value (`a,b`) into trimmed, non-empty parts.
 *
 * @public
 */
export function splitSelection(value: string): string[] {
  return value
    .split(',')
    .map(v => v.trim())
    .filter(v => v !== '');
}

function clip(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
