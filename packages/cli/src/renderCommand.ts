import {
  mergeInputSets,
  resolveRuntimeInputs,
  type Problem,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { stringify } from 'yaml';
import { readInput, type CliIo } from './io';
import { loadPipelineFile } from './loadPipelineFile';

/** Options of {@link renderCommand}. */
export interface RenderOptions {
  /** `key=value` pairs; keys short or fully-qualified. */
  set?: string[];
  /** A YAML/JSON input set file (flat map or Harness's structured form). */
  inputSet?: string;
  /** Folder of template files for the pipeline's template references. */
  templates?: string;
  /** Print the pipeline with templates expanded, runtime inputs left as written. */
  expand?: boolean;
}

/**
 * `pipeline render <file>`: prints the pipeline with templates expanded and
 * runtime inputs replaced by values (`--expand`: templates only).
 * Expressions that need an execution are left as written.
 */
export async function renderCommand(
  files: string[],
  io: CliIo,
  options: RenderOptions = {},
): Promise<number> {
  const loaded = await loadPipelineFile(
    files,
    io,
    'pipeline render <file> [--set key=value]... [--input-set file] [--templates DIR] [--expand]',
    options.templates,
  );
  if (!loaded.ok) return loaded.exitCode;
  const { file, result } = loaded;
  if (options.expand) {
    if (options.set?.length || options.inputSet) {
      io.err(
        '--expand prints the pipeline with its runtime inputs as written; leave out --set and --input-set, or --expand',
      );
      return 2;
    }
    io.out(stringify(result.document, { lineWidth: 0 }).trimEnd());
    return 0;
  }
  const values = collectValues(io, options);
  if (!values.ok) {
    for (const line of values.lines) io.err(line);
    return 1;
  }
  const resolved = resolveRuntimeInputs(result.document, values.inputSet);
  if (!resolved.ok) {
    io.err(
      `${file}: the input set does not fit the pipeline's runtime inputs:`,
    );
    for (const p of resolved.problems)
      io.err(`  ${p.severity}: ${formatInputProblem(p)}`);
    return 1;
  }
  for (const w of resolved.warnings)
    io.err(`warning: ${formatInputProblem(w)}`);
  io.out(stringify(resolved.pipeline, { lineWidth: 0 }).trimEnd());
  return 0;
}

function formatInputProblem(p: Problem): string {
  return `${p.path}: ${p.message}${p.hint ? ` — ${p.hint}` : ''}`;
}

/**
 * The input-set file and `--set` pairs merged by fully-qualified name, the
 * later winning, so `--set project_name=x` overrides a file's
 * `pipeline.variables.project_name`.
 */
function collectValues(
  io: CliIo,
  options: RenderOptions,
):
  | { ok: true; inputSet: Record<string, unknown> }
  | { ok: false; lines: string[] } {
  const sources: unknown[] = [];
  const lines: string[] = [];
  if (options.inputSet) {
    const file = readInput(io, options.inputSet);
    if (!file.ok) return { ok: false, lines: [file.message] };
    sources.push(file.text);
  }
  const pairs: Record<string, string> = {};
  for (const pair of options.set ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      lines.push(
        `--set ${pair}: expected key=value, e.g. --set project_name=my-app`,
      );
      continue;
    }
    pairs[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  sources.push(pairs);
  const merged = mergeInputSets(sources);
  lines.push(...merged.problems.map(formatInputProblem));
  return lines.length
    ? { ok: false, lines }
    : { ok: true, inputSet: merged.inputSet };
}
