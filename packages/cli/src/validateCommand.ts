import {
  parsePipelineWithTemplates,
  type Problem,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { readInput, type CliIo } from './io';
import { loadTemplateDir } from './templateDir';

/** `file:line:col: severity: path: message — hint`; a problem inside a template names the template's file. */
export function formatProblemLine(file: string, p: Problem): string {
  const document = p.document ?? file;
  const where =
    p.line !== undefined ? `${document}:${p.line}:${p.column ?? 1}` : document;
  return `${where}: ${p.severity}: ${p.path}: ${p.message}${p.hint ? ` — ${p.hint}` : ''}`;
}

/** Options of {@link validateCommand}. */
export interface ValidateOptions {
  /** A folder of Harness template files the pipelines' template references resolve against. */
  templates?: string;
}

/** `pipeline validate <file...>`: prints every problem; exit 1 when any file has errors. */
export async function validateCommand(
  files: string[],
  io: CliIo,
  options: ValidateOptions = {},
): Promise<number> {
  if (!files.length) {
    io.err('usage: pipeline validate <file...> [--templates DIR]');
    return 2;
  }
  let errorCount = 0;
  let warningCount = 0;
  const count = (problem: Problem) => {
    if (problem.severity === 'error') errorCount++;
    else warningCount++;
  };
  let templates;
  if (options.templates !== undefined) {
    const loaded = loadTemplateDir(io, options.templates);
    if (!loaded.ok) {
      for (const line of loaded.lines) io.err(line);
      return 1;
    }
    for (const problem of loaded.problems) {
      io.out(formatProblemLine(options.templates, problem));
      count(problem);
    }
    templates = loaded.source;
  }
  for (const file of files) {
    const input = readInput(io, file);
    if (!input.ok) {
      io.err(input.message);
      errorCount++;
      continue;
    }
    const result = await parsePipelineWithTemplates(input.text, {
      ...(templates ? { templates } : {}),
    });
    for (const problem of result.problems) {
      io.out(formatProblemLine(file, problem));
      count(problem);
    }
  }
  io.out(
    `${files.length} file(s) checked: ${errorCount} error(s), ${warningCount} warning(s)`,
  );
  return errorCount ? 1 : 0;
}
