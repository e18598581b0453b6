import {
  resolveRuntimeInputs,
  type Problem,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { parse, stringify } from 'yaml';
import { inputSetProblemsError } from '../run/problems';
import type { InputValues } from '../run/types';

/** The input-set YAML to execute with, and what is worth a warning. */
export interface HarnessInputSet {
  yaml: string;
  /** Resolved runtime input values by FQN. */
  values: Record<string, unknown>;
  warnings: Problem[];
}

/**
 * Fills Harness's runtime-input template (`inputSetTemplateYaml`: the
 * pipeline reduced to its `<+input>` fields) with the action's `inputset`,
 * whose keys may be short variable names or fully-qualified paths, using
 * the same resolver as this engine: defaults apply, allowed values and
 * regexes are checked, and every problem is reported in one InputError
 * before anything is sent to Harness. Keys that match no runtime input are
 * warnings, as templates often pass more than a pipeline asks for.
 */
export function buildHarnessInputSet(
  pipelineIdentifier: string,
  templateYaml: string | undefined,
  inputs: InputValues,
): HarnessInputSet {
  if (templateYaml === undefined) {
    const ignored = Object.keys(inputs);
    return {
      yaml: stringify({ pipeline: { identifier: pipelineIdentifier } }),
      values: {},
      warnings: ignored.map(key => ({
        severity: 'warning',
        code: 'input-unknown',
        path: key,
        message: `pipeline ${pipelineIdentifier} has no runtime inputs; "${key}" is ignored`,
      })),
    };
  }
  let template: unknown;
  try {
    template = parse(templateYaml);
  } catch (error) {
    throw new Error(
      `Harness returned a runtime-input template for ${pipelineIdentifier} that is not YAML: ${(error as Error).message}`,
    );
  }
  const resolved = resolveRuntimeInputs(template, inputs, {
    allowUnknownKeys: true,
  });
  if (!resolved.ok) {
    throw inputSetProblemsError(
      `the runtime inputs of Harness pipeline ${pipelineIdentifier}`,
      resolved.problems,
    );
  }
  return {
    yaml: stringify(resolved.pipeline, { lineWidth: 0 }),
    values: resolved.values,
    warnings: resolved.warnings,
  };
}
