import type { ExecutionElement, Pipeline, YamlValue } from '../model/types';
import { parseYaml, type ParsedYaml } from '../parser/parseYaml';
import { createDefaultStepSpecRegistry } from '../steps/defaultRegistry';
import type { StepSpecRegistry } from '../steps/registry';
import { ProblemCollector } from './collector';
import { readSteps } from './executionValidator';
import { readPipeline } from './pipelineValidator';
import { collectRuntimeInputs } from '../inputs/collectInputs';
import type { Problem } from './problem';
import { isMap } from './readers';
import { checkReferences } from './referenceCheck';
import { checkExpressionRegexes } from './regexLiteralCheck';
import { checkScriptInputs } from './scriptInputCheck';

/** Options of {@link parsePipeline}. */
export interface ParsePipelineOptions {
  /** Step types to accept; the built-in ones by default. */
  registry?: StepSpecRegistry;
  /**
   * Run the advisory checks (static references, runtime-input syntax);
   * default true. The engine turns them off for a pipeline it already
   * validated and resolved, where they can only repeat warnings.
   */
  advisoryChecks?: boolean;
}

/** What a YAML document turned out to be. */
export type DocumentKind = 'pipeline' | 'steps' | 'unknown';

/** Result of parsing and validating a pipeline document. */
export interface ParsePipelineResult {
  /** True when there are no errors (warnings are fine). */
  ok: boolean;
  kind: DocumentKind;
  /** The model, present when `ok` and the document is a pipeline. */
  pipeline?: Pipeline;
  /** Execution elements, when the document is a list of steps (a snippet). */
  steps?: ExecutionElement[];
  /** The plain parsed YAML (`{ pipeline: ... }`), for runtime inputs and rendering. */
  document?: YamlValue;
  /** Every problem, errors and warnings, sorted by position. */
  problems: Problem[];
}

let defaultRegistry: StepSpecRegistry | undefined;

/**
 * Parses and validates Harness v0 pipeline YAML: a `pipeline:` document, or
 * a list of `- step:` entries (as the product document's snippets are).
 * Never throws on bad input: every problem comes back with its YAML path,
 * line:column and a hint.
 */
export function parsePipeline(text: string, options: ParsePipelineOptions = {}): ParsePipelineResult {
  const parsed = parseYaml(text);
  if (parsed.problems.some(p => p.severity === 'error')) {
    return { ok: false, kind: 'unknown', problems: parsed.problems };
  }
  return validateValue(parsed.value, options, parsed);
}

/**
 * Validates an already-parsed pipeline document (e.g. one the engine stored
 * as JSON). Like {@link parsePipeline}, but problems carry no positions.
 */
export function validatePipelineValue(value: YamlValue | undefined, options: ParsePipelineOptions = {}): ParsePipelineResult {
  return validateValue(value, options, undefined);
}

function validateValue(value: YamlValue | undefined, options: ParsePipelineOptions, parsed: ParsedYaml | undefined): ParsePipelineResult {
  const registry = options.registry ?? (defaultRegistry ??= createDefaultStepSpecRegistry());
  const advisory = options.advisoryChecks ?? true;
  const c = new ProblemCollector();
  let kind: DocumentKind = 'unknown';
  let pipeline: Pipeline | undefined;
  let steps: ExecutionElement[] | undefined;
  if (isMap(value) && 'pipeline' in value) {
    kind = 'pipeline';
    pipeline = readPipeline(value.pipeline, ['pipeline'], c, registry);
    const extraTop = Object.keys(value).filter(k => k !== 'pipeline');
    for (const key of extraTop) {
      c.warn([key], 'unknown-key', `unknown top-level key "${key}" beside pipeline`, 'it is ignored', 'key');
    }
    if (advisory) {
      // Malformed `<+input>` modifiers, reported where they are written.
      for (const input of collectRuntimeInputs(value)) {
        for (const problem of input.problems) {
          c.pending.push({ problem, path: input.segments, at: 'value' });
        }
      }
      checkExpressionRegexes(value.pipeline, ['pipeline'], c);
      checkScriptInputs(value, c);
    }
    if (advisory && pipeline && !c.pending.some(p => p.problem.severity === 'error')) {
      checkReferences(value.pipeline, pipeline, registry, c);
    }
  } else if (Array.isArray(value) && value.length && value.every(v => isMap(v) && ('step' in v || 'stepGroup' in v || 'parallel' in v))) {
    kind = 'steps';
    steps = readSteps(value, [], c, registry);
  } else {
    c.error([], 'not-a-pipeline', `not a Harness pipeline: ${describeDocument(value)}`,
      'a pipeline document starts with "pipeline:" (name, identifier, stages)');
  }
  const problems = [...(parsed?.problems ?? []), ...positioned(c, parsed)];
  const ok = !problems.some(p => p.severity === 'error');
  return {
    ok,
    kind,
    ...(ok && pipeline ? { pipeline } : {}),
    ...(ok && steps ? { steps } : {}),
    ...(value !== undefined ? { document: value } : {}),
    problems,
  };
}

function positioned(c: ProblemCollector, parsed: ParsedYaml | undefined): Problem[] {
  return c.pending
    .map(({ problem, path, at }) => {
      const pos = parsed?.locate(path, at);
      return pos ? { ...problem, line: pos.line, column: pos.column } : problem;
    })
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

function describeDocument(value: YamlValue | undefined): string {
  if (value === undefined || value === null) return 'the document is empty';
  if (isMap(value)) {
    if (typeof value.apiVersion === 'string' && typeof value.kind === 'string') {
      return `this is a Backstage ${value.kind} entity (apiVersion ${value.apiVersion})`;
    }
    if ('inputSet' in value) return 'this is a Harness input set, not a pipeline';
    if ('template' in value) return 'this is a Harness template; templates are not supported yet';
    return `top-level keys are ${Object.keys(value).map(k => `"${k}"`).join(', ')}`;
  }
  return Array.isArray(value) ? 'the document is a list, but not of "- step:" entries' : 'the document is a single value';
}
