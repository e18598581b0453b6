import {
  IDENTIFIER_PATTERN,
  normalizeInputSet,
  parseYaml,
  type PipelineRef,
  formatYamlPath,
  type Problem,
  type SourcePosition,
  type YamlPath,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type { Trigger, TriggerType } from '../database';
import {
  CronScheduleError,
  parseCronSchedule,
  type CronSchedule,
} from '../triggers/cronSchedule';
import { ProblemsError } from './problems';

/*
 * Reads the Harness documents the admin API stores: input sets
 * (`inputSet: {...}`) and triggers (`trigger: {...}`). Every problem is
 * collected with its line:column before failing, like pipeline validation.
 */

/** What an input set document says about itself. */
export interface InputSetDocument {
  identifier: string;
  name: string;
  description?: string;
  tags: Record<string, string>;
}

/** What a trigger document says about itself. */
export interface TriggerDocument {
  identifier: string;
  name: string;
  description?: string;
  type: TriggerType;
  enabled: boolean;
  inputSetRefs: string[];
  /** Harness's `trigger.inputYaml`: runtime input values of the trigger. */
  inputYaml?: string;
  /** The cron schedule of a Scheduled trigger. */
  schedule?: CronSchedule;
}

type Plain = { [key: string]: unknown };

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects problems with positions for one parsed document. */
class DocumentReader {
  readonly problems: Problem[] = [];

  constructor(
    private readonly locate: (path: YamlPath) => SourcePosition | undefined,
  ) {}

  error(path: YamlPath, code: string, message: string, hint?: string): void {
    const position = this.locate(path);
    this.problems.push({
      severity: 'error',
      code,
      path: formatYamlPath(path),
      message,
      ...(hint ? { hint } : {}),
      ...(position ? { line: position.line, column: position.column } : {}),
    });
  }

  /** A string field: required, or undefined when absent. */
  text(root: Plain, path: YamlPath, required: boolean): string | undefined {
    const value = root[String(path[path.length - 1])];
    if (value === undefined || value === null) {
      if (required)
        this.error(
          path,
          'field-required',
          `${formatYamlPath(path)} is required`,
        );
      return undefined;
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      this.error(
        path,
        'field-type',
        `${formatYamlPath(path)} must be a string`,
      );
      return undefined;
    }
    return String(value);
  }

  identifier(
    root: Plain,
    path: YamlPath,
    expected: string | undefined,
  ): string | undefined {
    const value = this.text(root, path, expected === undefined);
    if (value === undefined) return expected;
    if (!IDENTIFIER_PATTERN.test(value)) {
      this.error(
        path,
        'identifier-format',
        `"${value}" is not a valid identifier`,
        'use letters, digits and _, not starting with a digit',
      );
    } else if (expected !== undefined && value !== expected) {
      this.error(
        path,
        'identifier-mismatch',
        `${formatYamlPath(path)} is "${value}" but the URL says "${expected}"`,
        'identifiers cannot change; create a new one instead',
      );
    }
    return value;
  }

  /** org/project/pipeline identifiers, when given, must be the URL's. */
  scope(
    root: Plain,
    prefix: YamlPath,
    ref: PipelineRef,
    pipelineKey: string,
  ): void {
    const checks: Array<[string, string]> = [
      ['orgIdentifier', ref.orgIdentifier],
      ['projectIdentifier', ref.projectIdentifier],
      [pipelineKey, ref.pipelineIdentifier],
    ];
    for (const [key, expected] of checks) {
      const value = root[key];
      if (value !== undefined && value !== null && value !== expected) {
        this.error(
          [...prefix, key],
          'scope-mismatch',
          `${formatYamlPath([...prefix, key])} is "${String(value)}" but this belongs to "${expected}"`,
          'leave it out or make it match the URL',
        );
      }
    }
  }

  tags(root: Plain, path: YamlPath): Record<string, string> {
    const value = root.tags;
    if (value === undefined || value === null) return {};
    if (!isPlain(value)) {
      this.error(path, 'field-type', 'tags must be a map of strings');
      return {};
    }
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, v === null ? '' : String(v)]),
    );
  }
}

function readRoot(yaml: string, key: 'inputSet' | 'trigger') {
  const parsed = parseYaml(yaml);
  const reader = new DocumentReader(path => parsed.locate(path));
  reader.problems.push(...parsed.problems);
  const root = isPlain(parsed.value) ? parsed.value[key] : undefined;
  if (parsed.problems.length === 0 && !isPlain(root)) {
    reader.error(
      [],
      'document-kind',
      `the YAML is not ${key === 'trigger' ? 'a trigger' : 'an input set'}`,
      `start the document with "${key}:"`,
    );
  }
  return { reader, root: isPlain(root) ? root : undefined };
}

function fail(reader: DocumentReader, what: string): never {
  throw new ProblemsError(`the ${what} has problems`, reader.problems);
}

/**
 * Reads an input set document for `ref`. `identifier` is the URL's on
 * update; the document may then leave it out.
 */
export function readInputSetDocument(
  yaml: string,
  ref: PipelineRef,
  identifier?: string,
): InputSetDocument {
  const { reader, root } = readRoot(yaml, 'inputSet');
  if (!root) fail(reader, 'input set');
  const id = reader.identifier(root, ['inputSet', 'identifier'], identifier);
  const name = reader.text(root, ['inputSet', 'name'], false) ?? id;
  const description = reader.text(root, ['inputSet', 'description'], false);
  const tags = reader.tags(root, ['inputSet', 'tags']);
  reader.scope(root, ['inputSet'], ref, 'pipelineIdentifier');
  const pipeline = root.pipeline;
  if (!isPlain(pipeline)) {
    reader.error(
      ['inputSet', 'pipeline'],
      'field-required',
      'inputSet.pipeline is required',
      'put the runtime input values under inputSet.pipeline, shaped like the pipeline',
    );
  } else {
    reader.scope(pipeline, ['inputSet', 'pipeline'], ref, 'identifier');
    const normalized = normalizeInputSet({ pipeline });
    for (const problem of normalized.problems.filter(
      p => p.severity === 'error',
    )) {
      reader.problems.push(problem);
    }
  }
  if (reader.problems.some(p => p.severity === 'error') || !id)
    fail(reader, 'input set');
  return {
    identifier: id,
    name: name ?? id,
    ...(description ? { description } : {}),
    tags,
  };
}

function triggerType(reader: DocumentReader, root: Plain): TriggerType {
  const source = root.source;
  if (source === undefined || source === null) return 'Custom';
  if (!isPlain(source)) {
    reader.error(
      ['trigger', 'source'],
      'field-type',
      'trigger.source must be a map',
    );
    return 'Custom';
  }
  if (source.type === 'Scheduled') return 'Scheduled';
  if (source.type === 'Webhook') {
    const spec = isPlain(source.spec) ? source.spec : {};
    return spec.type === undefined || spec.type === 'Custom'
      ? 'Custom'
      : 'Webhook';
  }
  reader.error(
    ['trigger', 'source', 'type'],
    'trigger-type',
    `unsupported trigger source type "${String(source.type)}"`,
    'use Webhook (spec.type Custom) or Scheduled',
  );
  return 'Custom';
}

const SCHEDULE_PATH = ['trigger', 'source', 'spec', 'spec'];

/**
 * Harness's cron trigger: `source.spec.type: Cron` with
 * `source.spec.spec: {type: UNIX | QUARTZ, expression, timezone?}`.
 */
function cronSchedule(
  reader: DocumentReader,
  root: Plain,
): CronSchedule | undefined {
  const source = isPlain(root.source) ? root.source : {};
  const outer = isPlain(source.spec) ? source.spec : undefined;
  if (!outer) {
    reader.error(
      ['trigger', 'source', 'spec'],
      'field-required',
      'a Scheduled trigger needs source.spec with its cron schedule',
      'write source: {type: Scheduled, spec: {type: Cron, spec: {type: UNIX, expression: "0 4 * * *"}}}',
    );
    return undefined;
  }
  if (outer.type !== undefined && outer.type !== 'Cron') {
    reader.error(
      ['trigger', 'source', 'spec', 'type'],
      'trigger-type',
      `unsupported scheduled trigger type "${String(outer.type)}"`,
      'use Cron',
    );
    return undefined;
  }
  const spec = isPlain(outer.spec) ? outer.spec : undefined;
  if (!spec) {
    reader.error(
      SCHEDULE_PATH,
      'field-required',
      'trigger.source.spec.spec is required: the cron expression and its type',
      'write spec: {type: UNIX, expression: "0 4 * * *"}',
    );
    return undefined;
  }
  const expression = reader.text(spec, [...SCHEDULE_PATH, 'expression'], true);
  const type = spec.type ?? 'UNIX';
  if (type !== 'UNIX' && type !== 'QUARTZ') {
    reader.error(
      [...SCHEDULE_PATH, 'type'],
      'field-value',
      `cron type "${String(type)}" is not UNIX or QUARTZ`,
      'use UNIX (5 fields) or QUARTZ',
    );
    return undefined;
  }
  const timezone =
    reader.text(spec, [...SCHEDULE_PATH, 'timezone'], false) ?? 'UTC';
  if (expression === undefined) return undefined;
  try {
    return parseCronSchedule({ type, expression, timezone });
  } catch (error) {
    if (!(error instanceof CronScheduleError)) throw error;
    const badZone = error.message.startsWith('unknown time zone');
    reader.error(
      [...SCHEDULE_PATH, badZone ? 'timezone' : 'expression'],
      'cron-expression',
      error.message,
      error.hint,
    );
    return undefined;
  }
}

function inputSetRefs(reader: DocumentReader, root: Plain): string[] {
  const value = root.inputSetRefs;
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    reader.error(
      ['trigger', 'inputSetRefs'],
      'field-type',
      'trigger.inputSetRefs must be a list of input set identifiers',
    );
    return [];
  }
  value.forEach((item, index) => {
    if (typeof item !== 'string' || !IDENTIFIER_PATTERN.test(item)) {
      reader.error(
        ['trigger', 'inputSetRefs', index],
        'identifier-format',
        `"${String(item)}" is not an input set identifier`,
      );
    }
  });
  return value.filter((item): item is string => typeof item === 'string');
}

/**
 * Reads a trigger document for `ref`. `identifier` is the URL's on update;
 * the document may then leave it out.
 */
export function readTriggerDocument(
  yaml: string,
  ref: PipelineRef,
  identifier?: string,
): TriggerDocument {
  const { reader, root } = readRoot(yaml, 'trigger');
  if (!root) fail(reader, 'trigger');
  const id = reader.identifier(root, ['trigger', 'identifier'], identifier);
  const name = reader.text(root, ['trigger', 'name'], false) ?? id;
  const description = reader.text(root, ['trigger', 'description'], false);
  reader.scope(root, ['trigger'], ref, 'pipelineIdentifier');
  const enabled = root.enabled;
  if (enabled !== undefined && typeof enabled !== 'boolean') {
    reader.error(
      ['trigger', 'enabled'],
      'field-type',
      'trigger.enabled must be true or false',
    );
  }
  const type = triggerType(reader, root);
  const schedule =
    type === 'Scheduled' ? cronSchedule(reader, root) : undefined;
  const refs = inputSetRefs(reader, root);
  const inputYaml = reader.text(root, ['trigger', 'inputYaml'], false);
  if (inputYaml !== undefined) {
    const normalized = normalizeInputSet(inputYaml);
    for (const problem of normalized.problems.filter(
      p => p.severity === 'error',
    )) {
      reader.problems.push({
        ...problem,
        path: `trigger.inputYaml: ${problem.path}`,
      });
    }
  }
  if (reader.problems.some(p => p.severity === 'error') || !id)
    fail(reader, 'trigger');
  return {
    identifier: id,
    name: name ?? id,
    ...(description ? { description } : {}),
    type,
    enabled: enabled !== false,
    inputSetRefs: refs,
    ...(inputYaml !== undefined ? { inputYaml } : {}),
    ...(schedule ? { schedule } : {}),
  };
}

/** The schedule of a stored Scheduled trigger; throws when its YAML no longer reads. */
export function readTriggerSchedule(
  trigger: Trigger,
): CronSchedule | undefined {
  return readTriggerDocument(trigger.yaml ?? '', {
    orgIdentifier: trigger.orgIdentifier,
    projectIdentifier: trigger.projectIdentifier,
    pipelineIdentifier: trigger.pipelineIdentifier,
  }).schedule;
}
