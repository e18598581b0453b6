import type { YamlValue } from '../model/types';
import type { Problem } from '../validation/problem';
import { didYouMean } from '../validation/suggest';
import { parseNumber, RuntimeInputInfo } from './collectInputs';
import {
  choicesOf,
  compileInputRegex,
  hasExpression,
  splitSelection,
} from './runtimeInput';

/**
 * A checked value, or the problems that stop it being used.
 *
 * @public
 */
export interface CheckedValue {
  value?: YamlValue;
  problems: Problem[];
}

/** Secret references: `id`, `org.id` or `account.id` (Harness identifier rules). */
const SECRET_REF = /^(?:(?:account|org)\.)?[A-Za-z_][A-Za-z0-9_]{0,127}$/;

function describe(info: RuntimeInputInfo): string {
  return info.shortName ? `"${info.shortName}"` : info.fqn;
}

/** Converts a supplied value to the input's type: Number variables get numbers, String and Secret variables strings. */
function convert(
  info: RuntimeInputInfo,
  given: YamlValue,
  problem: (code: string, message: string, hint: string) => void,
): YamlValue | undefined {
  const many = info.input.selectManyFrom !== undefined;
  let value = given;
  if (Array.isArray(value) && many && value.every(v => typeof v !== 'object')) {
    value = value.map(String).join(',');
  }
  if (value === null || typeof value === 'object') {
    problem(
      'input-value-type',
      `${describe(info)} needs a single value, not ${Array.isArray(value) ? 'a list' : 'a map'}`,
      many
        ? 'give a list of choices or a comma-separated string'
        : 'give a string, number or boolean',
    );
    return undefined;
  }
  if (typeof value === 'string' && hasExpression(value)) return value;
  switch (info.variableType) {
    case 'Number': {
      const n = typeof value === 'number' ? value : parseNumber(String(value));
      if (typeof value === 'boolean' || n === undefined) {
        problem(
          'input-not-number',
          `${describe(info)} is a Number variable but got "${String(value)}"`,
          'give a number such as 3 or "3.5"',
        );
        return undefined;
      }
      return n;
    }
    case 'Secret':
      if (!SECRET_REF.test(String(value))) {
        problem(
          'input-secret-ref',
          `${describe(info)} is a Secret variable; "${String(value)}" is not a secret identifier`,
          'give the identifier of a stored secret: my_secret, org.my_secret or account.my_secret',
        );
        return undefined;
      }
      return String(value);
    case 'String':
      return String(value);
    default:
      // Fields that are not variables keep the scalar type they were given.
      return info.variable ? String(value) : value;
  }
}

function matchesChoice(
  info: RuntimeInputInfo,
  text: string,
  choices: readonly string[],
): boolean {
  if (choices.includes(text)) return true;
  const n = info.variableType === 'Number' ? parseNumber(text) : undefined;
  return n !== undefined && choices.some(c => parseNumber(c) === n);
}

/**
 * Checks a supplied value against its runtime input: the variable's type,
 * allowed values (each part of a `selectManyFrom` list) and the regex as a
 * full match. Values holding `<+...>` expressions are passed through with a
 * warning because only the expression engine can know what they become.
 *
 * @public
 */
export function checkInputValue(
  info: RuntimeInputInfo,
  given: YamlValue,
): CheckedValue {
  const problems: Problem[] = [];
  const problem = (code: string, message: string, hint: string) =>
    problems.push({ severity: 'error', code, path: info.fqn, message, hint });
  const value = convert(info, given, problem);
  if (value === undefined) return { problems };
  const text = String(value);
  if (hasExpression(text)) {
    problems.push({
      severity: 'warning',
      code: 'input-expression-unchecked',
      path: info.fqn,
      message: `${describe(info)} is given the expression "${text}"; allowed values and regex are not checked before it is evaluated`,
      hint: 'give a literal value to have it checked up front',
    });
    return { value, problems };
  }
  const choices = choicesOf(info.input);
  if (choices) {
    const picked = choices.many ? splitSelection(text) : [text];
    const outside = picked.filter(v => !matchesChoice(info, v, choices.values));
    const unchecked = choices.values.some(hasExpression);
    if (choices.many && picked.length === 0) {
      problem(
        'input-not-allowed',
        `${describe(info)} needs at least one of the choices`,
        `choose from: ${choices.values.join(', ')} (comma-separated)`,
      );
    } else if (outside.length > 0 && !unchecked) {
      const suggestion = didYouMean(outside[0], choices.values);
      problem(
        'input-not-allowed',
        `${outside.map(v => `"${v}"`).join(', ')} ${outside.length > 1 ? 'are' : 'is'} not allowed for ${describe(info)}${suggestion ? `; ${suggestion}` : ''}`,
        `allowed values: ${choices.values.join(', ')}${choices.many ? ' (choose one or more, comma-separated)' : ''}`,
      );
    }
  }
  if (info.input.regex !== undefined) {
    const regex = compileInputRegex(info.input.regex);
    if (!(regex instanceof Error) && !regex.test(text)) {
      problem(
        'input-regex-mismatch',
        `"${text}" does not match the regex of ${describe(info)}`,
        `the whole value must match ${info.input.regex}`,
      );
    }
  }
  return problems.some(p => p.severity === 'error')
    ? { problems }
    : { value, problems };
}
