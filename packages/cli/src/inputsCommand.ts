import {
  collectRuntimeInputs,
  type RuntimeInputInfo,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type { CliIo } from './io';
import { loadPipelineFile } from './loadPipelineFile';

/** Options of {@link inputsCommand}. */
export interface InputsOptions {
  json?: boolean;
  /** Folder of template files for the pipeline's template references. */
  templates?: string;
}

/**
 * `pipeline inputs <file>`: every runtime input with its FQN, default and
 * choices; those of templates by their FQN in the expanded pipeline.
 */
export async function inputsCommand(
  files: string[],
  io: CliIo,
  options: InputsOptions = {},
): Promise<number> {
  const loaded = await loadPipelineFile(
    files,
    io,
    'pipeline inputs <file> [--json] [--templates DIR]',
    options.templates,
  );
  if (!loaded.ok) return loaded.exitCode;
  const { file, result } = loaded;
  const inputs = collectRuntimeInputs(result.document);
  if (options.json) {
    io.out(JSON.stringify(inputs.map(toJson), null, 2));
    return 0;
  }
  if (!inputs.length) {
    io.out(`${file}: no runtime inputs`);
    return 0;
  }
  io.out(`${file}: ${inputs.length} runtime input(s)`);
  for (const info of inputs) {
    io.out(`${info.fqn}`);
    for (const line of describeInput(info)) io.out(`    ${line}`);
  }
  return 0;
}

function toJson(info: RuntimeInputInfo) {
  const choices = choicesOf(info);
  return {
    fqn: info.fqn,
    ...(info.shortName ? { shortName: info.shortName } : {}),
    ...(info.variableType ? { type: info.variableType } : {}),
    required: info.required,
    ...(info.default !== undefined ? { default: info.default } : {}),
    ...(choices ? { [choices.kind]: choices.values } : {}),
    ...(info.input.regex ? { regex: info.input.regex } : {}),
    ...(info.input.executionInput ? { executionInput: true } : {}),
    ...(info.description ? { description: info.description } : {}),
    yamlPath: info.yamlPath,
  };
}

function choicesOf(
  info: RuntimeInputInfo,
): { kind: string; values: string[] } | undefined {
  const { allowedValues, selectOneFrom, selectManyFrom } = info.input;
  if (allowedValues) return { kind: 'allowedValues', values: allowedValues };
  if (selectOneFrom) return { kind: 'selectOneFrom', values: selectOneFrom };
  if (selectManyFrom) return { kind: 'selectManyFrom', values: selectManyFrom };
  return undefined;
}

function describeInput(info: RuntimeInputInfo): string[] {
  const lines: string[] = [];
  const facts = [
    info.shortName ? `short name: ${info.shortName}` : undefined,
    info.variableType ? `type: ${info.variableType}` : undefined,
    info.required ? 'required' : 'optional',
    info.input.executionInput ? 'execution input' : undefined,
  ].filter(Boolean);
  lines.push(facts.join(', '));
  if (info.default !== undefined) lines.push(`default: ${info.default}`);
  const choices = choicesOf(info);
  if (choices) lines.push(`${choices.kind}: ${choices.values.join(', ')}`);
  if (info.input.regex) lines.push(`regex: ${info.input.regex}`);
  if (info.description) lines.push(`description: ${info.description}`);
  return lines;
}
