import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type {
  ExecuteRequest,
  PipelineRef,
  ScaffolderTaskRef,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type { TriggerRunRequest } from '@idp-pipelines/plugin-pipeline-engine-node';
import type { Request } from 'express';
import { stringify } from 'yaml';

/*
 * Reading query strings, path parameters and bodies. Bodies arrive either
 * as YAML text (express.text for the YAML media types) or as parsed JSON.
 */

/** Media types whose bodies are read as YAML text. */
export const YAML_MEDIA_TYPES = [
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
  'text/x-yaml',
  'text/plain',
];

type Plain = { [key: string]: unknown };

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The pipeline named by the `:org/:project/:pipelineId` path parameters. */
export function pipelineRefOf(params: {
  org: string;
  project: string;
  pipelineId: string;
}): PipelineRef {
  return {
    orgIdentifier: params.org,
    projectIdentifier: params.project,
    pipelineIdentifier: params.pipelineId,
  };
}

/** `limit` and `offset` of list routes, as the request validator converted them. */
export function pageOf(query: { limit?: number; offset?: number }): {
  limit?: number;
  offset?: number;
} {
  const { limit, offset } = query;
  return {
    ...(limit !== undefined ? { limit } : {}),
    ...(offset !== undefined ? { offset } : {}),
  };
}

/** A request's body as sent: parsed JSON, YAML text, or nothing. */
type BodyOf = { body?: unknown };

/**
 * The YAML document of a create/update body: YAML text, JSON `{ yaml }`, or
 * the document itself as JSON (`{ pipeline: ... }`, `{ inputSet: ... }`).
 */
export function yamlDocumentOf(req: BodyOf): string {
  const body: unknown = req.body;
  if (typeof body === 'string' && body.trim() !== '') {
    return body;
  }
  if (isPlain(body)) {
    if (typeof body.yaml === 'string') {
      return body.yaml;
    }
    const document = Object.fromEntries(
      Object.entries(body).filter(([key]) => key !== 'expectedVersion'),
    );
    if (Object.keys(document).length > 0) {
      return stringify(document);
    }
  }
  throw new InputError(
    'Expected a YAML body (Content-Type application/yaml) or JSON {"yaml": "..."}',
  );
}

/**
 * The version an update expects: JSON `expectedVersion` or an `If-Match`
 * header (`3`, `"3"`, `W/"3"`: openapi.yaml's pattern, which the request
 * validator checked). Undefined updates unconditionally.
 */
export function expectedVersionOf(
  req: BodyOf & Pick<Request, 'header'>,
): number | undefined {
  const body: unknown = req.body;
  if (isPlain(body) && body.expectedVersion !== undefined) {
    if (!Number.isInteger(body.expectedVersion)) {
      throw new InputError('expectedVersion must be an integer');
    }
    return body.expectedVersion as number;
  }
  const ifMatch = req.header('if-match');
  return ifMatch === undefined ? undefined : Number(ifMatch.replace(/\D/g, ''));
}

function stringList(value: unknown, name: string): string[] {
  if (typeof value === 'string') {
    return [value];
  }
  if (Array.isArray(value) && value.every(v => typeof v === 'string')) {
    return value;
  }
  throw new InputError(`${name} must be a list of input set identifiers`);
}

function inputValues(
  value: unknown,
  name: string,
): Record<string, unknown> | string {
  if (typeof value === 'string' || isPlain(value)) {
    return value;
  }
  throw new InputError(`${name} must be a map of inputs or input-set YAML`);
}

/** A Harness structured input set keeps only what addresses inputs. */
function withoutInputSetHeader(
  value: Record<string, unknown> | string,
): Record<string, unknown> | string {
  return isPlain(value) && isPlain(value.pipeline)
    ? { pipeline: value.pipeline }
    : value;
}

/** The keys of an ExecuteRequest; any other key makes the body an input set itself. */
const EXECUTE_REQUEST_KEYS = [
  'inputSet',
  'inputSetRefs',
  'allowUnknownKeys',
  'scaffolderTask',
];

/** Longest scaffolder task id or template ref kept with an execution. */
const MAX_SCAFFOLDER_TASK_FIELD = 512;

function scaffolderTaskField(value: unknown, field: string): string {
  if (
    typeof value !== 'string' ||
    value.trim() === '' ||
    value.length > MAX_SCAFFOLDER_TASK_FIELD
  ) {
    throw new InputError(
      `${field} must be a non-empty string of at most ${MAX_SCAFFOLDER_TASK_FIELD} characters`,
    );
  }
  return value;
}

/** `scaffolderTask` of an execute body: `{taskId, templateRef?}`, nothing else. */
function scaffolderTaskOf(value: unknown): ScaffolderTaskRef {
  if (!isPlain(value)) {
    throw new InputError(
      'scaffolderTask must be an object {taskId, templateRef}',
    );
  }
  const unknownKeys = Object.keys(value).filter(
    key => key !== 'taskId' && key !== 'templateRef',
  );
  if (unknownKeys.length > 0) {
    throw new InputError(
      `scaffolderTask has unknown key(s) ${unknownKeys.join(', ')}; it takes taskId and templateRef only`,
    );
  }
  const taskId = scaffolderTaskField(value.taskId, 'scaffolderTask.taskId');
  if (value.templateRef === undefined) return { taskId };
  const templateRef = scaffolderTaskField(
    value.templateRef,
    'scaffolderTask.templateRef',
  );
  try {
    parseEntityRef(templateRef);
  } catch {
    throw new InputError(
      `scaffolderTask.templateRef "${templateRef}" is not an entity ref; write it as kind:namespace/name, e.g. template:default/my-template`,
    );
  }
  return { taskId, templateRef };
}

/**
 * The execute body: an {@link ExecuteRequest} as JSON, or an input set by
 * itself (YAML text, a flat JSON map, or Harness's structured form).
 */
export function executeRequestOf(req: BodyOf): ExecuteRequest {
  const body: unknown = req.body;
  if (typeof body === 'string') {
    return body.trim() === '' ? {} : { inputSet: body };
  }
  if (body === undefined || body === null) {
    return {};
  }
  if (!isPlain(body)) {
    throw new InputError('Expected an input set or {inputSet, inputSetRefs}');
  }
  const keys = Object.keys(body);
  const isRequest =
    keys.length > 0 && keys.every(key => EXECUTE_REQUEST_KEYS.includes(key));
  if (!isRequest) {
    return keys.length === 0 ? {} : { inputSet: body };
  }
  return {
    ...(body.inputSet !== undefined
      ? {
          inputSet: withoutInputSetHeader(
            inputValues(body.inputSet, 'inputSet'),
          ),
        }
      : {}),
    ...(body.inputSetRefs !== undefined
      ? { inputSetRefs: stringList(body.inputSetRefs, 'inputSetRefs') }
      : {}),
    ...(body.allowUnknownKeys !== undefined
      ? { allowUnknownKeys: body.allowUnknownKeys === true }
      : {}),
    ...(body.scaffolderTask !== undefined
      ? { scaffolderTask: scaffolderTaskOf(body.scaffolderTask) }
      : {}),
  };
}

/**
 * The body of a trigger run. Ours is `{ inputSetRefs, inputSet }`; Harness
 * callers send `inputSetName`/`inputSetIdentifiers` and `inputYaml`. Other
 * keys are the webhook payload, which the engine does not evaluate.
 */
/**
 * The body of a trigger run call as the pipeline sees it, `<+trigger.payload>`:
 * the whole JSON object, as Harness exposes a custom webhook's payload.
 */
export function triggerPayloadOf(
  req: BodyOf,
): Record<string, unknown> | undefined {
  return isPlain(req.body) ? req.body : undefined;
}

export function triggerRunRequestOf(req: BodyOf): TriggerRunRequest {
  const body: unknown = req.body;
  if (typeof body === 'string') {
    return body.trim() === '' ? {} : { inputSet: body };
  }
  if (!isPlain(body)) {
    return {};
  }
  const refs = [
    ...(body.inputSetRefs !== undefined
      ? stringList(body.inputSetRefs, 'inputSetRefs')
      : []),
    ...(body.inputSetIdentifiers !== undefined
      ? stringList(body.inputSetIdentifiers, 'inputSetIdentifiers')
      : []),
    ...(body.inputSetName !== undefined
      ? stringList(body.inputSetName, 'inputSetName')
      : []),
  ];
  const values = body.inputSet ?? body.inputYaml;
  return {
    ...(refs.length > 0 ? { inputSetRefs: refs } : {}),
    ...(values !== undefined
      ? {
          inputSet: withoutInputSetHeader(inputValues(values, 'inputSet')),
        }
      : {}),
  };
}
