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
import {
  expandTemplates,
  hasTemplateReferences,
  type TemplateSource,
  type TemplateUse,
} from '../templates/expandTemplates';

/**
 * Options of {@link parsePipeline}.
 *
 * @public
 */
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

/**
 * What a YAML document turned out to be.
 *
 * @public
 */
export type DocumentKind = 'pipeline' | 'steps' | 'unknown';

/**
 * Result of parsing and validating a pipeline document.
 *
 * @public
 */
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

/**
 * Options of {@link parsePipelineWithTemplates}.
 *
 * @public
 */
export interface ParsePipelineWithTemplatesOptions extends ParsePipelineOptions {
  /** Where `template: {templateRef}` references are looked up. */
  templates?: TemplateSource;
}

/**
 * Result of {@link parsePipelineWithTemplates}.
 *
 * @public
 */
export interface ParsePipelineWithTemplatesResult extends ParsePipelineResult {
  /**
   * The template versions the pipeline was expanded with; `document` and
   * `pipeline` are the expanded pipeline.
   */
  templates: TemplateUse[];
}

let defaultRegistry: StepSpecRegistry | undefined;

/**
 * Parses and validates Harness v0 pipeline YAML: a `pipeline:` document, or
 * a list of `- step:` entries (as the product document's snippets are).
 * Never throws on bad input: every problem comes back with its YAML path,
 * line:column and a hint.
 *
 * @public
 */
export function parsePipeline(
  text: string,
  options: ParsePipelineOptions = {},
): ParsePipelineResult {
  const parsed = parseYaml(text);
  if (parsed.problems.some(p => p.severity === 'error')) {
    return { ok: false, kind: 'unknown', problems: parsed.problems };
  }
  return validateValue(parsed.value, options, parsed);
}

/**
 * Like {@link parsePipeline}, but first replaces template references
 * (`template: {templateRef, versionLabel, templateInputs}` on the pipeline,
 * a stage, step group or step) by the templates from `options.templates`,
 * then validates the expanded pipeline. Problems of the using document keep
 * their line:column; those inside a template name its document.
 *
 * @public
 */
export async function parsePipelineWithTemplates(
  text: string,
  options: ParsePipelineWithTemplatesOptions = {},
): Promise<ParsePipelineWithTemplatesResult> {
  const parsed = parseYaml(text);
  if (parsed.problems.some(p => p.severity === 'error')) {
    return {
      ok: false,
      kind: 'unknown',
      problems: parsed.problems,
      templates: [],
    };
  }
  if (
    !isMap(parsed.value) ||
    !('pipeline' in parsed.value) ||
    !hasTemplateReferences(parsed.value)
  ) {
    return { ...validateValue(parsed.value, options, parsed), templates: [] };
  }
  const expanded = await expandTemplates(parsed.value, options.templates, {
    locate: parsed.locate,
  });
  if (!expanded.ok) {
    return {
      ok: false,
      kind: 'pipeline',
      document: parsed.value,
      problems: sortProblems([...parsed.problems, ...expanded.problems]),
      templates: expanded.templates,
    };
  }
  const result = validateValue(expanded.document, options, parsed);
  return {
    ...result,
    problems: sortProblems([...expanded.problems, ...result.problems]),
    templates: expanded.templates,
  };
}

function sortProblems(problems: Problem[]): Problem[] {
  // Problems of the pipeline first, by position; then each template's.
  return [...problems].sort(
    (a, b) =>
      (a.document ?? '').localeCompare(b.document ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0),
  );
}

/**
 * Validates an already-parsed pipeline document (e.g. one the engine stored
 * as JSON). Like {@link parsePipeline}, but problems carry no positions.
 *
 * @public
 */
export function validatePipelineValue(
  value: YamlValue | undefined,
  options: ParsePipelineOptions = {},
): ParsePipelineResult {
  return validateValue(value, options, undefined);
}

function validateValue(
  value: YamlValue | undefined,
  options: ParsePipelineOptions,
  parsed: ParsedYaml | undefined,
): ParsePipelineResult {
  const registry =
    options.registry ?? (defaultRegistry ??= createDefaultStepSpecRegistry());
  const advisory = options.advisoryChecks ?? true;
  const c = new ProblemCollector();
  let kind: DocumentKind = 'unknown';
  let pipeline: Pipeline | undefined;
  let steps: ExecutionElement[] | undefined;
  if (isMap(value) && 'pipeline' in value && hasTemplateReferences(value)) {
    kind = 'pipeline';
    c.error(
      firstTemplateReference(value) ?? ['pipeline'],
      'template-unresolved',
      'the pipeline uses templates, which must be resolved before it is checked',
      'the engine resolves them when the pipeline is saved; offline, run `pipeline validate --templates DIR`',
    );
  } else if (isMap(value) && 'pipeline' in value) {
    kind = 'pipeline';
    pipeline = readPipeline(value.pipeline, ['pipeline'], c, registry);
    const extraTop = Object.keys(value).filter(k => k !== 'pipeline');
    for (const key of extraTop) {
      c.warn(
        [key],
        'unknown-key',
        `unknown top-level key "${key}" beside pipeline`,
        'it is ignored',
        'key',
      );
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
    if (
      advisory &&
      pipeline &&
      !c.pending.some(p => p.problem.severity === 'error')
    ) {
      checkReferences(value.pipeline, pipeline, registry, c);
    }
  } else if (
    Array.isArray(value) &&
    value.length &&
    value.every(
      v => isMap(v) && ('step' in v || 'stepGroup' in v || 'parallel' in v),
    )
  ) {
    kind = 'steps';
    steps = readSteps(value, [], c, registry);
  } else {
    c.error(
      [],
      'not-a-pipeline',
      `not a Harness pipeline: ${describeDocument(value)}`,
      'a pipeline document starts with "pipeline:" (name, identifier, stages)',
    );
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

function positioned(
  c: ProblemCollector,
  parsed: ParsedYaml | undefined,
): Problem[] {
  return c.pending
    .map(({ problem, path, at }) => {
      const pos = parsed?.locate(path, at);
      return pos ? { ...problem, line: pos.line, column: pos.column } : problem;
    })
    .sort(
      (a, b) =>
        (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
    );
}

function describeDocument(value: YamlValue | undefined): string {
  if (value === undefined || value === null) return 'the document is empty';
  if (isMap(value)) {
    if (
      typeof value.apiVersion === 'string' &&
      typeof value.kind === 'string'
    ) {
      return `this is a Backstage ${value.kind} entity (apiVersion ${value.apiVersion})`;
    }
    if ('inputSet' in value)
      return 'this is a Harness input set, not a pipeline';
    if ('template' in value)
      return 'this is a Harness template; save it with POST /templates, or pass its folder to `pipeline validate --templates DIR`';
    return `top-level keys are ${Object.keys(value)
      .map(k => `"${k}"`)
      .join(', ')}`;
  }
  return Array.isArray(value)
    ? 'the document is a list, but not of "- step:" entries'
    : 'the document is a single value';
}

/** The YAML path of the first `template:` reference, for placing the error. */
function firstTemplateReference(
  value: unknown,
  path: Array<string | number> = [],
): Array<string | number> | undefined {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = firstTemplateReference(value[i], [...path, i]);
      if (found) return found;
    }
    return undefined;
  }
  if (!isMap(value)) return undefined;
  for (const [key, child] of Object.entries(value)) {
    if (
      ['pipeline', 'stage', 'stepGroup', 'step'].includes(key) &&
      isMap(child) &&
      'template' in child
    )
      return [...path, key, 'template'];
    const found = firstTemplateReference(child, [...path, key]);
    if (found) return found;
  }
  return undefined;
}
