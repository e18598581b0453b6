/*
 * Fully-qualified names (FQNs) of pipeline fields, the way Harness addresses
 * them in expressions and input sets:
 *
 *   pipeline.variables.NAME
 *   pipeline.stages.STAGE.variables.NAME
 *   pipeline.stages.STAGE.spec.infrastructure.spec.namespace
 *   pipeline.stages.STAGE.spec.execution.steps.STEP.spec.branch
 *   pipeline.stages.STAGE.spec.execution.steps.GROUP.steps.STEP.timeout
 *
 * The `- stage:` / `- step:` / `- stepGroup:` wrappers, `- parallel:`
 * blocks and `template.templateInputs` never appear in an FQN; list
 * elements are named by identifier.
 * Each field also gets its YAML path (`pipeline.stages[0].stage.spec...`) so
 * callers can map it back to a line and column.
 */

import { formatYamlPath, type PathSegment } from '../parser/yamlPath';

export type { PathSegment };

/**
 * Where a variable's `value` field belongs.
 *
 * @public
 */
export type VariableScope =
  'pipeline' | 'stage' | 'stepGroup' | 'step' | 'other';

/**
 * The variable a field is the `value` of.
 *
 * @public
 */
export interface VariableContext {
  name: string;
  /** Declared type as written; Harness uses String, Number or Secret. */
  type?: string;
  /** The variable's `required` flag (Harness default: false). */
  required: boolean;
  description?: string;
  /** The variable's own `default:` field, if any. */
  default?: string | number | boolean;
  scope: VariableScope;
}

/**
 * A scalar field of a pipeline with its two addresses.
 *
 * @public
 */
export interface PipelineField {
  /** Harness fully-qualified name, e.g. `pipeline.stages.s.variables.v`. */
  fqn: string;
  /** YAML path, e.g. `pipeline.stages[0].stage.variables[1].value`. */
  yamlPath: string;
  /** Keys and indexes from the document root to the field. */
  segments: PathSegment[];
  value: string | number | boolean | null;
  /** Set when the field is the `value` of a variable. */
  variable?: VariableContext;
}

type Plain = { [key: string]: unknown };

interface Position {
  fqn: string;
  segments: PathSegment[];
}

const WRAPPERS = ['stage', 'step', 'stepGroup'] as const;

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is string | number | boolean | null {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  );
}

/** The name an element of a list goes by: identifier, else name. */
function elementName(element: Plain): string | undefined {
  for (const key of ['identifier', 'name']) {
    const v = element[key];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

function child(pos: Position, key: PathSegment, fqn: string): Position {
  return { fqn, segments: [...pos.segments, key] };
}

function indexFqn(listFqn: string, index: number): string {
  return `${listFqn}[${index}]`;
}

function asScalar(value: unknown): string | number | boolean | undefined {
  return typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
    ? value
    : undefined;
}

class FieldWalker {
  constructor(private readonly visit: (field: PipelineField) => void) {}

  node(value: unknown, pos: Position, scope: VariableScope): void {
    if (isScalar(value)) {
      this.emit(value, pos);
    } else if (Array.isArray(value)) {
      this.genericList(value, pos);
    } else if (isPlain(value)) {
      this.object(value, pos, scope);
    }
  }

  private emit(
    value: string | number | boolean | null,
    pos: Position,
    variable?: VariableContext,
  ): void {
    this.visit({
      fqn: pos.fqn,
      yamlPath: formatYamlPath(pos.segments),
      segments: pos.segments,
      value,
      ...(variable ? { variable } : {}),
    });
  }

  private object(obj: Plain, pos: Position, scope: VariableScope): void {
    for (const [key, value] of Object.entries(obj)) {
      const at = child(pos, key, `${pos.fqn}.${key}`);
      if (key === 'variables' && Array.isArray(value)) {
        this.variables(value, at, scope);
      } else if (key === 'template' && scope !== 'other' && isPlain(value)) {
        this.template(value, at, pos, scope);
      } else if (Array.isArray(value)) {
        this.genericList(value, at);
      } else {
        this.node(value, at, 'other');
      }
    }
  }

  /**
   * `template.templateInputs` is transparent: once Harness applies the
   * template its inputs are the node's own fields, so a templated stage's
   * variable is `pipeline.stages.S.variables.v` as in expressions.
   */
  private template(
    template: Plain,
    at: Position,
    owner: Position,
    scope: VariableScope,
  ): void {
    for (const [key, value] of Object.entries(template)) {
      if (key === 'templateInputs' && isPlain(value)) {
        this.object(
          value,
          { fqn: owner.fqn, segments: [...at.segments, key] },
          scope,
        );
      } else {
        this.node(value, child(at, key, `${at.fqn}.${key}`), 'other');
      }
    }
  }

  /** A list that may hold stage/step/stepGroup/parallel wrappers. */
  private genericList(list: unknown[], pos: Position): void {
    list.forEach((element, index) => {
      const at = child(pos, index, indexFqn(pos.fqn, index));
      if (!this.wrapper(element, at, pos.fqn, index)) {
        const name = isPlain(element) ? elementName(element) : undefined;
        this.node(
          element,
          name ? { ...at, fqn: `${pos.fqn}.${name}` } : at,
          'other',
        );
      }
    });
  }

  /** Handles `- stage:`, `- step:`, `- stepGroup:` and `- parallel:`; false if not one. */
  private wrapper(
    element: unknown,
    at: Position,
    listFqn: string,
    index: number,
  ): boolean {
    if (!isPlain(element)) return false;
    const keys = Object.keys(element);
    if (keys.length !== 1) return false;
    const [kind] = keys;
    const inner = element[kind];
    if (kind === 'parallel' && Array.isArray(inner)) {
      // Parallel blocks are transparent: children keep the list's FQN.
      inner.forEach((member, j) => {
        const memberAt = child(
          child(at, 'parallel', at.fqn),
          j,
          indexFqn(listFqn, j),
        );
        if (!this.wrapper(member, memberAt, listFqn, j)) {
          this.node(member, memberAt, 'other');
        }
      });
      return true;
    }
    if (!(WRAPPERS as readonly string[]).includes(kind) || !isPlain(inner)) {
      return false;
    }
    const name = elementName(inner);
    const fqn = name ? `${listFqn}.${name}` : indexFqn(listFqn, index);
    this.object(inner, child(at, kind, fqn), kind as VariableScope);
    return true;
  }

  /** Variables are named by `name`; a variable's `value` is the variable itself. */
  private variables(
    list: unknown[],
    pos: Position,
    scope: VariableScope,
  ): void {
    list.forEach((element, index) => {
      const at = child(pos, index, indexFqn(pos.fqn, index));
      if (!isPlain(element) || typeof element.name !== 'string') {
        this.node(element, at, 'other');
        return;
      }
      const fqn = `${pos.fqn}.${element.name}`;
      const context: VariableContext = {
        name: element.name,
        required: element.required === true || element.required === 'true',
        scope,
        ...(typeof element.type === 'string' ? { type: element.type } : {}),
        ...(typeof element.description === 'string'
          ? { description: element.description }
          : {}),
        ...(asScalar(element.default) !== undefined
          ? { default: asScalar(element.default) }
          : {}),
      };
      for (const [key, value] of Object.entries(element)) {
        if (key === 'value' && isScalar(value)) {
          this.emit(value, child(at, key, fqn), context);
        } else {
          this.node(
            value,
            child(at, key, key === 'value' ? fqn : `${fqn}.${key}`),
            'other',
          );
        }
      }
    });
  }
}

/**
 * Calls `visit` for every scalar field under `doc.pipeline`, in document
 * order, with its FQN and YAML path. Anything that is not `{ pipeline: {...} }`
 * has no fields.
 *
 * @public
 */
export function walkPipelineFields(
  doc: unknown,
  visit: (field: PipelineField) => void,
): void {
  if (!isPlain(doc) || !isPlain(doc.pipeline)) return;
  new FieldWalker(visit).node(
    doc.pipeline,
    { fqn: 'pipeline', segments: ['pipeline'] },
    'pipeline',
  );
}

/**
 * Every scalar field of the pipeline; see {@link walkPipelineFields}.
 *
 * @public
 */
export function listPipelineFields(doc: unknown): PipelineField[] {
  const fields: PipelineField[] = [];
  walkPipelineFields(doc, field => fields.push(field));
  return fields;
}
