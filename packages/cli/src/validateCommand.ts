import { parsePipeline, type Problem } from '@idp-pipelines/plugin-pipeline-engine-common';
import { readInput, type CliIo } from './io';

/** `file:line:col: severity: path: message — hint` */
export function formatProblemLine(file: string, p: Problem): string {
  const where = p.line !== undefined ? `${file}:${p.line}:${p.column ?? 1}` : file;
  return `${where}: ${p.severity}: ${p.path}: ${p.message}${p.hint ? ` — ${p.hint}` : ''}`;
}

/** `pipeline validate <file...>`: prints every problem; exit 1 when any file has errors. */
export function validateCommand(files: string[], io: CliIo): number {
  if (!files.length) {
    io.err('usage: pipeline validate <file...>');
    return 2;
  }
  let errorCount = 0;
  let warningCount = 0;
  for (const file of files) {
    const input = readInput(io, file);
    if (!input.ok) {
      io.err(input.message);
      errorCount++;
      continue;
    }
    const result = parsePipeline(input.text);
    for (const problem of result.problems) {
      io.out(formatProblemLine(file, problem));
      if (problem.severity === 'error') errorCount++;
      else warningCount++;
    }
  }
  io.out(`${files.length} file(s) checked: ${errorCount} error(s), ${warningCount} warning(s)`);
  return errorCount ? 1 : 0;
}
