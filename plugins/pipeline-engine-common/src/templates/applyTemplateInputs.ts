import type { YamlValue } from '../model/types';
import { isRuntimeInput } from '../inputs/runtimeInput';
import type { YamlPath } from '../parser/yamlPath';
import { didYouMean } from '../validation/suggest';

type Plain = { [key: string]: YamlValue };

/** Reports a problem found in `templateInputs`, at its path in the using document. */
export type InputsReporter = (
  severity: 'error' | 'warning',
  path: YamlPath,
  code: string,
  message: string,
  hint?: string,
) => void;

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const WRAPPERS = ['stage', 'step', 'stepGroup'];

/**
 * What names a list element for matching `templateInputs` against the
 * template, as Harness does: wrapped stages/steps by identifier, variables
 * by name, `parallel` blocks by their order among parallel blocks.
 */
function elementKeys(list: readonly YamlValue[]): Array<string | undefined> {
  let parallelCount = 0;
  return list.map(element => {
    if (!isPlain(element)) return undefined;
    for (const wrapper of WRAPPERS) {
      const inner = element[wrapper];
      if (isPlain(inner) && typeof inner.identifier === 'string')
        return `${wrapper}:${inner.identifier}`;
    }
    if (Array.isArray(element.parallel)) return `parallel#${parallelCount++}`;
    if (typeof element.identifier === 'string')
      return `id:${element.identifier}`;
    if (typeof element.name === 'string') return `name:${element.name}`;
    return undefined;
  });
}

/** The element at the same position, when it has no identifier or name either. */
function positionalMatch(
  inputs: readonly YamlValue[],
  inputKeys: ReadonlyArray<string | undefined>,
  index: number,
): { value: YamlValue; index: number } | undefined {
  if (inputKeys[index] !== undefined || index >= inputs.length)
    return undefined;
  return { value: inputs[index], index };
}

function describeKey(key: string): string {
  const colon = key.indexOf(':');
  return colon > 0 ? `"${key.slice(colon + 1)}"` : key;
}

/**
 * Fills the template's `<+input>` fields from `templateInputs`, which has the
 * shape of the template body with only those fields (Harness's rule). A
 * field the template fixes keeps the template's value; a `<+input>` left
 * unanswered, or answered with a bare `<+input>`, stays a runtime input of
 * the using pipeline (keeping the template's default and allowed values).
 */
export function applyTemplateInputs(
  templateValue: YamlValue,
  inputs: YamlValue | undefined,
  path: YamlPath,
  report: InputsReporter,
): YamlValue {
  if (inputs === undefined) return templateValue;
  if (isRuntimeInput(templateValue)) {
    if (isRuntimeInput(inputs) && inputs.trim() === '<+input>')
      return templateValue;
    return inputs;
  }
  if (isPlain(templateValue)) {
    if (!isPlain(inputs)) {
      report(
        'error',
        path,
        'template-inputs-shape',
        'templateInputs has a value where the template has a map',
        'give the fields of the map that the template leaves as <+input>',
      );
      return templateValue;
    }
    // Inputs of a template the template itself nests (already expanded in
    // `templateValue`) are written under `template.templateInputs`.
    if (isPlain(inputs.template) && !('template' in templateValue)) {
      const { template: nested, ...rest } = inputs;
      const nestedInputs =
        isPlain(nested) && isPlain(nested.templateInputs)
          ? nested.templateInputs
          : {};
      return applyTemplateInputs(
        templateValue,
        { ...rest, ...nestedInputs },
        [...path, 'template', 'templateInputs'],
        report,
      );
    }
    const out: Plain = {};
    for (const [key, value] of Object.entries(templateValue)) {
      out[key] = applyTemplateInputs(
        value,
        inputs[key],
        [...path, key],
        report,
      );
    }
    for (const key of Object.keys(inputs)) {
      if (key in templateValue) continue;
      report(
        'warning',
        [...path, key],
        'template-inputs-unknown',
        `templateInputs gives "${key}", which the template does not have; it is ignored`,
        [
          didYouMean(key, Object.keys(templateValue)),
          "templateInputs may only fill the template's <+input> fields",
        ]
          .filter(Boolean)
          .join(' '),
      );
    }
    return out;
  }
  if (Array.isArray(templateValue)) {
    if (!Array.isArray(inputs)) {
      report(
        'error',
        path,
        'template-inputs-shape',
        'templateInputs has a value where the template has a list',
        'give the list elements that have <+input> fields, with their identifier or name',
      );
      return templateValue;
    }
    const templateKeys = elementKeys(templateValue);
    const inputKeys = elementKeys(inputs);
    const byKey = new Map<string, { value: YamlValue; index: number }>();
    inputKeys.forEach((key, index) => {
      if (key !== undefined) byKey.set(key, { value: inputs[index], index });
    });
    const used = new Set<string>();
    const out = templateValue.map((element, index) => {
      const key = templateKeys[index];
      // Elements without identifier or name pair up by position.
      const match =
        key !== undefined
          ? byKey.get(key)
          : positionalMatch(inputs, inputKeys, index);
      if (!match) return element;
      if (key !== undefined) used.add(key);
      return applyTemplateInputs(
        element,
        match.value,
        [...path, match.index],
        report,
      );
    });
    inputKeys.forEach((key, index) => {
      if (key === undefined || used.has(key)) return;
      const known = templateKeys.filter((k): k is string => k !== undefined);
      report(
        'warning',
        [...path, index],
        'template-inputs-unknown',
        `templateInputs gives ${describeKey(key)}, which the template's list does not have; it is ignored`,
        [
          didYouMean(key, known).replace(/"[a-zA-Z]+:/, '"'),
          `the template has ${known.map(describeKey).join(', ') || 'no named elements'}`,
        ]
          .filter(Boolean)
          .join(' '),
      );
    });
    return out;
  }
  // A fixed value in the template: Harness does not let the user change it.
  if (
    inputs !== templateValue &&
    !(isPlain(inputs) || Array.isArray(inputs)) &&
    String(inputs) !== String(templateValue)
  ) {
    report(
      'warning',
      path,
      'template-input-fixed',
      `the template fixes this field to "${String(templateValue)}"; the value in templateInputs is ignored`,
      'make the field <+input> in the template to let pipelines set it',
    );
  }
  return templateValue;
}
