import type { YamlValue } from '../model/types';
import type { Problem } from '../validation/problem';
import { nearest } from '../validation/suggest';
import { checkInputValue } from './checkValue';
import {
  collectRuntimeInputs,
  parseNumber,
  RuntimeInputInfo,
} from './collectInputs';
import { listPipelineFields, PathSegment, PipelineField } from './fqn';
import { InputSetEntry, InputValue, normalizeInputSet } from './inputSet';
import { choicesOf } from './runtimeInput';

/**
 * A parsed pipeline document: `{ pipeline: {...} }`.
 *
 * @public
 */
export interface PipelineDocument {
  pipeline: { [key: string]: YamlValue };
  [key: string]: YamlValue;
}

/**
 * Options for {@link resolveRuntimeInputs}.
 *
 * @public
 */
export interface ResolveOptions {
  /**
   * Report input-set keys that match nothing as warnings instead of errors,
   * for scaffolder templates that pass more values than the pipeline uses.
   */
  allowUnknownKeys?: boolean;
  /**
   * `collectRuntimeInputs(pipelineDoc)`, computed beforehand by callers that
   * resolve the same (unchanged) document for many runs.
   */
  runtimeInputs?: RuntimeInputInfo[];
}

/**
 * Outcome of {@link resolveRuntimeInputs}.
 *
 * @public
 */
export type ResolveResult =
  | {
      ok: true;
      /**
       * A copy of the pipeline with every runtime input replaced by its
       * value; the given document itself when it has no runtime inputs.
       */
      pipeline: PipelineDocument;
      /** The value of every runtime input, by FQN. */
      values: Record<string, YamlValue>;
      warnings: Problem[];
    }
  | { ok: false; problems: Problem[] };

interface Given {
  entry: InputSetEntry;
  value: InputValue;
}

function isPipelineDocument(doc: unknown): doc is PipelineDocument {
  return (
    typeof doc === 'object' &&
    doc !== null &&
    !Array.isArray(doc) &&
    typeof (doc as { pipeline?: unknown }).pipeline === 'object' &&
    (doc as { pipeline?: unknown }).pipeline !== null &&
    !Array.isArray((doc as { pipeline?: unknown }).pipeline)
  );
}

/** Blank values count as "not given" so defaults and optional handling apply. */
function isBlank(value: InputValue): boolean {
  return value === null || value === '';
}

function sameValue(a: YamlValue, b: YamlValue): boolean {
  return (
    JSON.stringify(a) === JSON.stringify(b) ||
    (typeof a !== 'object' && typeof b !== 'object' && String(a) === String(b))
  );
}

function setAt(
  root: YamlValue,
  segments: readonly PathSegment[],
  value: YamlValue,
): void {
  let node: YamlValue = root;
  for (const segment of segments.slice(0, -1)) {
    node = (node as Record<string | number, YamlValue>)[segment];
  }
  (node as Record<string | number, YamlValue>)[segments[segments.length - 1]] =
    value;
}

/** How to supply a value for an input, for hints. */
function keyHint(info: RuntimeInputInfo): string {
  const keys = info.shortName
    ? `"${info.shortName}" or "${info.fqn}"`
    : `"${info.fqn}"`;
  const choices = choicesOf(info.input);
  const rules = [
    choices ? `one of: ${choices.values.join(', ')}` : '',
    info.input.regex !== undefined ? `matching ${info.input.regex}` : '',
  ].filter(Boolean);
  return `set ${keys} in the input set${rules.length ? ` (${rules.join('; ')})` : ''}, or add a .default() to the runtime input`;
}

function defaultValue(info: RuntimeInputInfo, def: string): YamlValue {
  const n = info.variableType === 'Number' ? parseNumber(def) : undefined;
  return n ?? def;
}

class Resolver {
  readonly problems: Problem[] = [];
  private readonly byFqn = new Map<string, RuntimeInputInfo[]>();
  #fields: Map<string, PipelineField> | undefined;
  private readonly given = new Map<string, Given>();

  constructor(
    private readonly doc: PipelineDocument,
    private readonly inputs: RuntimeInputInfo[],
    private readonly options: ResolveOptions,
  ) {
    for (const info of inputs) {
      const list = this.byFqn.get(info.fqn) ?? [];
      list.push(info);
      this.byFqn.set(info.fqn, list);
    }
  }

  /** Every field by FQN; only keys that name no runtime input need it. */
  private get fields(): Map<string, PipelineField> {
    this.#fields ??= new Map(listPipelineFields(this.doc).map(f => [f.fqn, f]));
    return this.#fields;
  }

  private report(problem: Problem): void {
    this.problems.push(problem);
  }

  reportPipelineProblems(): void {
    for (const info of this.inputs) {
      // Inputs are addressed by FQN; the YAML path stays in the message.
      for (const p of info.problems) {
        this.report({
          ...p,
          path: info.fqn,
          message: `${p.message} (at ${info.yamlPath})`,
        });
      }
    }
    for (const [fqn, list] of this.byFqn) {
      if (list.length > 1) {
        this.report({
          severity: 'warning',
          code: 'input-duplicate-fqn',
          path: fqn,
          message: `${list.length} runtime inputs share this name (${list.map(i => i.yamlPath).join(', ')}); they get the same value`,
          hint: 'give the stages or steps distinct identifiers',
        });
      }
    }
  }

  checkPipelineIdentifier(identifier: string | undefined): void {
    const own = this.doc.pipeline.identifier;
    if (
      identifier !== undefined &&
      typeof own === 'string' &&
      identifier !== own
    ) {
      this.report({
        severity: 'error',
        code: 'input-set-pipeline-mismatch',
        path: 'pipeline.identifier',
        message: `the input set is for pipeline "${identifier}", not "${own}"`,
        hint: `use an input set whose pipeline.identifier is "${own}"`,
      });
    }
  }

  accept(entry: InputSetEntry): void {
    if (!this.byFqn.has(entry.fqn)) {
      this.rejectKey(entry);
      return;
    }
    if (isBlank(entry.value)) return;
    const previous = this.given.get(entry.fqn);
    if (previous && !sameValue(previous.value, entry.value)) {
      this.report({
        severity: 'error',
        code: 'input-conflict',
        path: entry.fqn,
        message: `given twice with different values: ${JSON.stringify(previous.value)} as "${previous.entry.key}" and ${JSON.stringify(entry.value)} as "${entry.key}"`,
        hint: 'keep only one of the two keys',
      });
      return;
    }
    this.given.set(entry.fqn, { entry, value: entry.value });
  }

  private rejectKey(entry: InputSetEntry): void {
    const field = this.fields.get(entry.fqn);
    if (field) {
      // A blank or an echo of the pipeline's own fixed value changes nothing.
      if (isBlank(entry.value)) return;
      if (field.value !== null && sameValue(field.value, entry.value)) return;
      this.report({
        severity: 'error',
        code: 'input-not-runtime',
        path: entry.fqn,
        message: `"${entry.key}" is not a runtime input of this pipeline: ${entry.fqn} is fixed to ${JSON.stringify(field.value)}`,
        hint: `remove "${entry.key}" from the input set, or make the pipeline field a runtime input (<+input>)`,
      });
      return;
    }
    const severity = this.options.allowUnknownKeys ? 'warning' : 'error';
    if (entry.form === 'short') {
      const elsewhere = this.inputs.filter(i => i.variable?.name === entry.key);
      if (elsewhere.length > 0) {
        this.report({
          severity,
          code: 'input-short-key-not-pipeline-variable',
          path: entry.key,
          message: `"${entry.key}" is not a pipeline variable; short keys only reach pipeline variables`,
          hint: `use the fully-qualified key: ${elsewhere.map(i => `"${i.fqn}"`).join(' or ')}`,
        });
        return;
      }
    }
    const candidates =
      entry.form === 'short'
        ? this.inputs.flatMap(i => (i.shortName ? [i.shortName] : []))
        : [...this.byFqn.keys()];
    const suggestion = nearest(entry.key, candidates);
    this.report({
      severity,
      code: 'input-unknown-key',
      path: entry.key,
      message: `"${entry.key}" is not a runtime input of this pipeline${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
      hint: candidates.length
        ? `runtime inputs: ${candidates.slice(0, 20).join(', ')}${candidates.length > 20 ? ', …' : ''}`
        : 'this pipeline has no runtime inputs reachable with this kind of key',
    });
  }

  /** Picks the value of every runtime input: given, else default, else blank or missing. */
  values(): Record<string, YamlValue> {
    const values: Record<string, YamlValue> = {};
    for (const [fqn, list] of this.byFqn) {
      const info = list[0];
      if (list.some(i => i.problems.some(p => p.severity === 'error')))
        continue;
      const given = this.given.get(fqn);
      if (given) {
        const checked = checkInputValue(info, given.value);
        checked.problems.forEach(p => this.report(p));
        if (checked.value !== undefined) values[fqn] = checked.value;
      } else if (info.default !== undefined) {
        values[fqn] = defaultValue(info, info.default);
      } else if (info.required) {
        this.report({
          severity: 'error',
          code: 'input-missing',
          path: fqn,
          message: `${info.shortName ? `"${info.shortName}"` : fqn} is a required runtime input and has no value`,
          hint: keyHint(info),
        });
      } else {
        // Harness leaves an optional variable without a value empty, so the
        // run goes on with "" instead of failing; the warning makes it visible.
        values[fqn] = '';
        this.report({
          severity: 'warning',
          code: 'input-optional-empty',
          path: fqn,
          message: `${info.shortName ? `"${info.shortName}"` : fqn} has no value and no default; it resolves to an empty string`,
          hint: keyHint(info),
        });
      }
    }
    return values;
  }

  apply(values: Record<string, YamlValue>): PipelineDocument {
    // Nothing to replace: the document is never mutated, so it can be shared.
    if (this.inputs.length === 0) return this.doc;
    const copy = structuredClone(this.doc);
    for (const info of this.inputs) {
      if (info.fqn in values) setAt(copy, info.segments, values[info.fqn]);
    }
    return copy;
  }
}

/**
 * Applies an input set to a parsed pipeline document and returns a new
 * document with every `<+input>` replaced by its value; the arguments are
 * never mutated. All problems are reported together, each with the input's
 * FQN as `path` and a hint saying what would fix it.
 *
 * Decisions (Harness-compatible where Harness documents behaviour):
 * - a given value wins, else the `.default()` (or the variable's `default:`);
 * - blank values (`""`, `null`, `undefined`) count as not given;
 * - a required input with neither is an error; a variable with
 *   `required: false` resolves to `""` with a warning, as Harness leaves
 *   optional variables empty;
 * - `.executionInput()` inputs are ordinary runtime inputs here: this engine
 *   cannot pause mid-run for a form, so they are supplied up front;
 * - `<+...>` expression values are passed through unchecked, with a warning.
 *
 * @public
 */
export function resolveRuntimeInputs(
  pipelineDoc: unknown,
  inputSet: unknown,
  options: ResolveOptions = {},
): ResolveResult {
  if (!isPipelineDocument(pipelineDoc)) {
    return {
      ok: false,
      problems: [
        {
          severity: 'error',
          code: 'pipeline-doc-invalid',
          path: 'pipeline',
          message: 'the document has no pipeline',
          hint: 'give the parsed pipeline YAML: { pipeline: { identifier, stages, ... } }',
        },
      ],
    };
  }
  const resolver = new Resolver(
    pipelineDoc,
    options.runtimeInputs ?? collectRuntimeInputs(pipelineDoc),
    options,
  );
  resolver.reportPipelineProblems();
  const normalized = normalizeInputSet(inputSet);
  normalized.problems.forEach(p => resolver.problems.push(p));
  resolver.checkPipelineIdentifier(normalized.pipelineIdentifier);
  normalized.entries.forEach(entry => resolver.accept(entry));
  const values = resolver.values();
  const problems = resolver.problems;
  if (problems.some(p => p.severity === 'error')) {
    return { ok: false, problems };
  }
  return {
    ok: true,
    pipeline: resolver.apply(values),
    values,
    warnings: problems,
  };
}
