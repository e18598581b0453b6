import {
  parsePipelineWithTemplates,
  type ParsePipelineWithTemplatesResult,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { readInput, type CliIo } from './io';
import { loadTemplateDir } from './templateDir';
import { formatProblemLine } from './validateCommand';

/**
 * The one-file argument of `inputs` and `render`, read and parsed as a
 * pipeline, its template references expanded from `templatesDir`. Prints
 * usage or every error and returns the exit code when that fails.
 */
export async function loadPipelineFile(
  files: string[],
  io: CliIo,
  usage: string,
  templatesDir?: string,
): Promise<
  | { ok: true; file: string; result: ParsePipelineWithTemplatesResult }
  | { ok: false; exitCode: number }
> {
  if (files.length !== 1) {
    io.err(`usage: ${usage}`);
    return { ok: false, exitCode: 2 };
  }
  const [file] = files;
  const input = readInput(io, file);
  if (!input.ok) {
    io.err(input.message);
    return { ok: false, exitCode: 1 };
  }
  let templates;
  if (templatesDir !== undefined) {
    const loaded = loadTemplateDir(io, templatesDir);
    if (!loaded.ok) {
      for (const line of loaded.lines) io.err(line);
      return { ok: false, exitCode: 1 };
    }
    const errors = loaded.problems.filter(p => p.severity === 'error');
    for (const problem of errors)
      io.err(formatProblemLine(templatesDir, problem));
    if (errors.length) return { ok: false, exitCode: 1 };
    templates = loaded.source;
  }
  const result = await parsePipelineWithTemplates(input.text, {
    ...(templates ? { templates } : {}),
  });
  if (!result.ok || result.kind !== 'pipeline') {
    for (const p of result.problems.filter(x => x.severity === 'error'))
      io.err(formatProblemLine(file, p));
    return { ok: false, exitCode: 1 };
  }
  return { ok: true, file, result };
}
