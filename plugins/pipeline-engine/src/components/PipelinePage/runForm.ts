import { stringify } from 'yaml';
import {
  checkInputValue,
  choicesOf,
  collectRuntimeInputs,
  normalizeInputSet,
  parseYaml,
  splitSelection,
  type PipelineRef,
  type RuntimeInputInfo,
  type YamlValue,
} from '@idp-pipelines/plugin-pipeline-engine-common';

/** How a runtime input is edited. */
export type FieldKind = 'text' | 'number' | 'select' | 'multiselect' | 'secret';

/** One field of the run form. */
export interface RunFormField {
  info: RuntimeInputInfo;
  kind: FieldKind;
  label: string;
  choices: string[];
}

/** Form values: text for single fields, lists for multi-selects. */
export type RunFormValues = Record<string, string | string[]>;

/** The form's fields, one per runtime input of the pipeline YAML. */
export function runFormFields(pipelineYaml: string): RunFormField[] {
  const document = parseYaml(pipelineYaml).value;
  return collectRuntimeInputs(document).map(info => {
    const choices = choicesOf(info.input);
    let kind: FieldKind = 'text';
    if (choices?.many) kind = 'multiselect';
    else if (choices) kind = 'select';
    else if (info.variableType === 'Number') kind = 'number';
    else if (info.variableType === 'Secret') kind = 'secret';
    return {
      info,
      kind,
      label: info.shortName ?? info.fqn,
      choices: choices?.values ?? [],
    };
  });
}

/** Defaults filled in: `.default()` or the variable's `default:`. */
export function initialValues(fields: RunFormField[]): RunFormValues {
  const values: RunFormValues = {};
  for (const field of fields) {
    const fallback = field.info.default ?? '';
    values[field.info.fqn] =
      field.kind === 'multiselect' ? splitSelection(fallback) : fallback;
  }
  return values;
}

function isBlank(value: string | string[] | undefined): boolean {
  return Array.isArray(value) ? value.length === 0 : !value?.trim();
}

/** A field's message: what is wrong with its value and how to fix it. */
export function fieldError(
  field: RunFormField,
  value: string | string[] | undefined,
): string | undefined {
  if (isBlank(value)) {
    return field.info.required ? 'A value is required.' : undefined;
  }
  const given = Array.isArray(value) ? value.join(',') : value!;
  const problem = checkInputValue(field.info, given).problems.find(
    p => p.severity === 'error',
  );
  if (!problem) return undefined;
  return problem.hint
    ? `${problem.message} (${problem.hint})`
    : problem.message;
}

/**
 * The input set of a submitted form: fully-qualified name → value, numbers
 * as numbers; blank optional fields are left out so defaults apply.
 */
export function inputSetOf(
  fields: RunFormField[],
  values: RunFormValues,
): Record<string, YamlValue> {
  const inputSet: Record<string, YamlValue> = {};
  for (const field of fields) {
    const value = values[field.info.fqn];
    if (isBlank(value)) continue;
    const given = Array.isArray(value) ? value.join(',') : value;
    const checked = checkInputValue(field.info, given);
    inputSet[field.info.fqn] = checked.value ?? given;
  }
  return inputSet;
}

type Plain = { [key: string]: unknown };
const STRUCTURAL_KEYS = ['identifier', 'name', 'type'];

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A map with only the keys that say where values go in the pipeline. */
function structuralCopy(source: unknown): Plain | unknown[] {
  if (Array.isArray(source)) return [];
  const copy: Plain = {};
  if (isPlain(source)) {
    for (const key of STRUCTURAL_KEYS) {
      const value = source[key];
      if (typeof value === 'string' && !value.trimStart().startsWith('<+')) {
        copy[key] = value;
      }
    }
  }
  return copy;
}

/**
 * Harness input-set YAML (`inputSet: { pipeline: ... }`) holding the form's
 * values, shaped like the pipeline: the stored form of an input set.
 */
export function inputSetYaml(options: {
  pipelineYaml: string;
  ref: PipelineRef;
  identifier: string;
  name: string;
  fields: RunFormField[];
  values: RunFormValues;
}): string {
  const document = parseYaml(options.pipelineYaml).value;
  const values = inputSetOf(options.fields, options.values);
  const copies = new Map<unknown, Plain | unknown[]>();
  const root: Plain = {};
  copies.set(document, root);
  for (const field of options.fields) {
    const value = values[field.info.fqn];
    if (value === undefined) continue;
    const { segments } = field.info;
    let source: unknown = document;
    let target: Plain | unknown[] = root;
    segments.forEach((segment, index) => {
      const child = (source as Record<string | number, unknown>)[segment];
      const attach = (item: unknown) => {
        if (Array.isArray(target)) target.push(item);
        else target[segment] = item;
      };
      if (index === segments.length - 1) {
        attach(value);
        return;
      }
      let next = copies.get(child);
      if (next === undefined) {
        next = structuralCopy(child);
        copies.set(child, next);
        attach(next);
      }
      source = child;
      target = next;
    });
  }
  return stringify({
    inputSet: {
      identifier: options.identifier,
      name: options.name,
      orgIdentifier: options.ref.orgIdentifier,
      projectIdentifier: options.ref.projectIdentifier,
      pipeline: root.pipeline ?? { identifier: options.ref.pipelineIdentifier },
    },
  });
}

/** Form values of a stored input set, for the fields it fills. */
export function valuesOfInputSet(
  fields: RunFormField[],
  yaml: string,
): RunFormValues {
  const byFqn = new Map(
    normalizeInputSet(yaml).entries.map(entry => [entry.fqn, entry.value]),
  );
  const values: RunFormValues = {};
  for (const field of fields) {
    if (!byFqn.has(field.info.fqn)) continue;
    const text = String(byFqn.get(field.info.fqn) ?? '');
    values[field.info.fqn] =
      field.kind === 'multiselect' ? splitSelection(text) : text;
  }
  return values;
}
