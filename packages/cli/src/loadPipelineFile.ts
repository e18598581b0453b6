import { parsePipeline, type ParsePipelineResult } from '@idp-pipelines/plugin-pipeline-engine-common';
import { readInput, type CliIo } from './io';
import { formatProblemLine } from './validateCommand';

/**
 * The one-file argument of `inputs` and `render`, read and parsed as a
 * pipeline. Prints usage or every error and returns the exit code when that
 * fails.
 */
export function loadPipelineFile(
  files: string[],
  io: CliIo,
  usage: string,
): { ok: true; file: string; result: ParsePipelineResult } | { ok: false; exitCode: number } {
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
  const result = parsePipeline(input.text);
  if (!result.ok || result.kind !== 'pipeline') {
    for (const p of result.problems.filter(x => x.severity === 'error')) io.err(formatProblemLine(file, p));
    return { ok: false, exitCode: 1 };
  }
  return { ok: true, file, result };
}
