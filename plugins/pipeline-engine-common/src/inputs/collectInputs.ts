import type { Problem } from '../validation/problem';
import { PathSegment, VariableScope, walkPipelineFields } from './fqn';
import {
  hasExpression,
  isRuntimeInput,
  parseRuntimeInput,
  RuntimeInput,
} from './runtimeInput';

/**
 * Harness variable types.
 *
 * @public
 */
export type VariableType = 'String' | 'Number' | 'Secret';

/**
 * One `<+input>` found in a pipeline.
 *
 * @public
 */
export interface RuntimeInputInfo {
  /** Harness fully-qualified name; the key of this input in an input set. */
  fqn: string;
  /** YAML path of the field, for mapping to line and column. */
  yamlPath: string;
  /** Keys and indexes from the document root to the field. */
  segments: PathSegment[];
  /** Short input-set key; only pipeline variables have one. */
  shortName?: string;
  /** Set when the field is a variable's value. */
  variable?: { name: string; scope: VariableScope };
  /** The variable's type when it is a variable (unknown types are left out). */
  variableType?: VariableType;
  description?: string;
  /**
   * Variables: their `required` flag. Other fields: true unless a default
   * exists, since Harness cannot run a step with a blank field.
   */
  required: boolean;
  /** `.default()` or, for variables, their `default:` field. */
  default?: string;
  /** The parsed runtime input (best effort when `problems` has errors). */
  input: RuntimeInput;
  /** Parse problems, with the YAML path as their `path`. */
  problems: Problem[];
}

const VARIABLE_TYPES: readonly string[] = ['String', 'Number', 'Secret'];

/**
 * Numbers as Harness accepts them in Number variables.
 *
 * @public
 */
export function parseNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed))
    return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Finds every runtime input of a parsed pipeline document
 * (`{ pipeline: {...} }`), in document order. Never throws; a document that
 * is not a pipeline has no inputs.
 *
 * @public
 */
export function collectRuntimeInputs(pipelineDoc: unknown): RuntimeInputInfo[] {
  const inputs: RuntimeInputInfo[] = [];
  walkPipelineFields(pipelineDoc, field => {
    if (!isRuntimeInput(field.value)) return;
    const { input, problems } = parseRuntimeInput(field.value, field.yamlPath);
    const variable = field.variable;
    const fallbackDefault =
      variable?.default !== undefined ? String(variable.default) : undefined;
    const def = input.default ?? fallbackDefault;
    const info: RuntimeInputInfo = {
      fqn: field.fqn,
      yamlPath: field.yamlPath,
      segments: field.segments,
      required: variable ? variable.required : def === undefined,
      input,
      problems,
    };
    if (def !== undefined) info.default = def;
    if (variable) {
      info.variable = { name: variable.name, scope: variable.scope };
      if (variable.scope === 'pipeline') info.shortName = variable.name;
      if (variable.type && VARIABLE_TYPES.includes(variable.type)) {
        info.variableType = variable.type as VariableType;
      }
      if (variable.description) info.description = variable.description;
    }
    if (
      info.variableType === 'Number' &&
      def !== undefined &&
      !hasExpression(def) &&
      parseNumber(def) === undefined
    ) {
      problems.push({
        severity: 'error',
        code: 'runtime-input-default-not-number',
        path: field.yamlPath,
        message: `default "${def}" of Number variable "${variable?.name}" is not a number`,
        hint: 'give a numeric default such as .default(3)',
      });
    }
    inputs.push(info);
  });
  return inputs;
}
