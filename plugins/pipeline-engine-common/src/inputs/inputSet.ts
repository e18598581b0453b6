import { parse as parseYaml } from 'yaml';
import {
  nestingExceeds,
  nestingMessage,
  yamlFlowNestingExceeds,
} from '../parser/nesting';
import type { YamlValue } from '../model/types';
import type { Problem } from '../validation/problem';
import { PathSegment, walkPipelineFields } from './fqn';
import { isRuntimeInput } from './runtimeInput';

/**
 * A value supplied for a runtime input: scaffolder values are usually strings, numbers or booleans.
 *
 * @public
 */
export type InputValue = YamlValue;

/**
 * How an input-set key was written.
 *
 * @public
 */
export type InputKeyForm = 'short' | 'fqn' | 'structured';

/**
 * One value of an input set, addressed by FQN.
 *
 * @public
 */
export interface InputSetEntry {
  /** The key as written; structured entries use their FQN. */
  key: string;
  /** The FQN it addresses; a short key `x` addresses `pipeline.variables.x`. */
  fqn: string;
  form: InputKeyForm;
  value: InputValue;
}

/**
 * An input set flattened to FQN-addressed entries.
 *
 * @public
 */
export interface NormalizedInputSet {
  entries: InputSetEntry[];
  /** `pipeline.identifier` of a structured input set, to check it targets this pipeline. */
  pipelineIdentifier?: string;
  problems: Problem[];
}

type Plain = { [key: string]: unknown };

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Converts a JS value to a YAML value; undefined for what YAML cannot hold. */
function toYamlValue(value: unknown): YamlValue | undefined {
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  ) {
    return value;
  }
  if (Array.isArray(value)) {
    const items = value.map(toYamlValue);
    return items.every(v => v !== undefined)
      ? (items as YamlValue[])
      : undefined;
  }
  if (isPlain(value)) {
    const out: { [key: string]: YamlValue } = {};
    for (const [k, v] of Object.entries(value)) {
      const converted = toYamlValue(v);
      if (converted === undefined) return undefined;
      out[k] = converted;
    }
    return out;
  }
  return undefined;
}

/**
 * Fields a structured input set repeats only to say where values go:
 * identifiers, a stage's or step's `type`/`name`, a variable's `name`/`type`.
 */
function isStructural(segments: readonly PathSegment[]): boolean {
  const n = segments.length;
  const last = segments[n - 1];
  if (last === 'identifier') return true;
  const parent = segments[n - 2];
  if (
    (last === 'type' || last === 'name') &&
    (parent === 'stage' || parent === 'step' || parent === 'stepGroup')
  ) {
    return true;
  }
  return (
    (last === 'name' || last === 'type') &&
    typeof parent === 'number' &&
    segments[n - 3] === 'variables'
  );
}

function flattenStructured(pipeline: Plain, result: NormalizedInputSet): void {
  if (typeof pipeline.identifier === 'string') {
    result.pipelineIdentifier = pipeline.identifier;
  }
  walkPipelineFields({ pipeline }, field => {
    // Blank values and `<+input>` placeholders mean "not filled in".
    if (field.value === null || field.value === '') return;
    if (isRuntimeInput(field.value) || isStructural(field.segments)) return;
    result.entries.push({
      key: field.fqn,
      fqn: field.fqn,
      form: 'structured',
      value: field.value,
    });
  });
}

function addFlatEntry(
  rawKey: string,
  value: unknown,
  result: NormalizedInputSet,
): void {
  let key = rawKey.trim();
  const wrapped = /^<\+(.*)>$/s.exec(key);
  if (wrapped) {
    result.problems.push({
      severity: 'warning',
      code: 'input-key-expression',
      path: rawKey,
      message: `input-set key "${rawKey}" is written as an expression`,
      hint: `write the key without <+ >: "${wrapped[1]}"`,
    });
    key = wrapped[1].trim();
  }
  if (value === undefined) return;
  const converted = toYamlValue(value);
  if (converted === undefined) {
    result.problems.push({
      severity: 'error',
      code: 'input-value-type',
      path: key,
      message: `the value of "${key}" cannot be used as a runtime input value`,
      hint: 'give a string, number or boolean',
    });
    return;
  }
  const short = !key.includes('.');
  result.entries.push({
    key,
    fqn: short ? `pipeline.variables.${key}` : key,
    form: short ? 'short' : 'fqn',
    value: converted,
  });
}

/**
 * Flattens an input set to FQN-addressed entries. Accepts:
 * - a flat map, keys short (`project_name`, a pipeline variable) or
 *   fully-qualified (`pipeline.stages.S.variables.v`);
 * - Harness's structured input set, `{ inputSet: { pipeline: {...} } }` or
 *   `{ pipeline: {...} }`, flattened with the same FQN rules as pipelines;
 * - either of these as YAML text.
 * Never throws; unusable input is reported in `problems`.
 *
 * @public
 */
export function normalizeInputSet(inputSet: unknown): NormalizedInputSet {
  const result: NormalizedInputSet = { entries: [], problems: [] };
  let source = inputSet;
  const tooDeep = () =>
    result.problems.push({
      severity: 'error',
      code: 'input-set-too-deep',
      path: 'inputSet',
      message: nestingMessage('the input set'),
      hint: 'give a map of input names to values',
    });
  if (typeof source === 'string' && yamlFlowNestingExceeds(source)) {
    tooDeep();
    return result;
  }
  if (typeof source === 'string') {
    try {
      source = parseYaml(source);
    } catch (e) {
      result.problems.push({
        severity: 'error',
        code: 'input-set-invalid',
        path: 'inputSet',
        message: `the input set is not valid YAML: ${e instanceof Error ? e.message : String(e)}`,
        hint: 'give a map of input names to values',
      });
      return result;
    }
  }
  if (source === undefined || source === null) return result;
  if (nestingExceeds(source)) {
    tooDeep();
    return result;
  }
  if (!isPlain(source)) {
    result.problems.push({
      severity: 'error',
      code: 'input-set-invalid',
      path: 'inputSet',
      message: 'the input set must be a map of input names to values',
      hint: 'e.g. { project_name: my-app, "pipeline.stages.build.variables.tag": v1 }',
    });
    return result;
  }
  for (const [key, value] of Object.entries(source)) {
    if (key === 'pipeline' && isPlain(value)) {
      flattenStructured(value, result);
    } else if (
      key === 'inputSet' &&
      isPlain(value) &&
      isPlain(value.pipeline)
    ) {
      flattenStructured(value.pipeline, result);
    } else {
      addFlatEntry(key, value, result);
    }
  }
  return result;
}
