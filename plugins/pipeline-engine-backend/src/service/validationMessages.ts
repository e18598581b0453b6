import type { ErrorObject } from 'ajv';

/*
 * ajv's errors ("must have required property 'action'", paths like
 * `/inputs/0`) turned into the API's wording: which field, what it must
 * be, what was sent instead, and the allowed fields or values.
 */

type Schema = { [key: string]: unknown };
type ResolveRef = (schema: unknown) => Schema;

function isObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `/inputs/inputSetRefs/0` → `inputs.inputSetRefs[0]`. */
function fieldPathOf(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map(segment => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, segment) => {
      if (/^\d+$/.test(segment)) return `${path}[${segment}]`;
      return path ? `${path}.${segment}` : segment;
    }, '');
}

const ARTICLE_TYPES: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'null',
};

/** What a value is, in words; never the value itself (it may be a secret). */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number')
    return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return ARTICLE_TYPES[typeof value] ?? typeof value;
}

/** An enum value as sent: short identifiers quoted, anything else by kind. */
function sentValue(value: unknown): string {
  return typeof value === 'string' && /^[\w.-]{0,40}$/.test(value)
    ? `'${value}'`
    : kindOf(value);
}

function typeWords(type: unknown): string {
  const types = Array.isArray(type) ? type : [type];
  return types.map(t => ARTICLE_TYPES[String(t)] ?? String(t)).join(' or ');
}

function listOf(values: readonly unknown[], conjunction = 'or'): string {
  const words = values.map(v =>
    typeof v === 'string' ? v : JSON.stringify(v),
  );
  return words.length <= 1
    ? words.join('')
    : `${words.slice(0, -1).join(', ')} ${conjunction} ${words[words.length - 1]}`;
}

/** One alternative of an anyOf/oneOf, in words. */
function describeSchema(raw: unknown, resolve: ResolveRef): string {
  const schema = resolve(raw);
  if (Array.isArray(schema.enum)) {
    return listOf(schema.enum.map(v => JSON.stringify(v)));
  }
  if (schema.type === 'object' || isObject(schema.properties)) {
    const fields = isObject(schema.properties)
      ? Object.keys(schema.properties)
      : [];
    if (fields.length > 0 && schema.additionalProperties !== true) {
      return `an object {${fields.join(', ')}}`;
    }
    return 'a map of values';
  }
  if (schema.type !== undefined) return typeWords(schema.type);
  return 'a value';
}

function describeError(
  error: ErrorObject,
  where: string,
  resolve: ResolveRef,
): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type':
      return `${where} must be ${typeWords(params.type)} (got ${kindOf(error.data)})`;
    case 'required':
      return `${where} is missing the required field ${String(params.missingProperty)}`;
    case 'additionalProperties': {
      const parent = isObject(error.parentSchema) ? error.parentSchema : {};
      const allowed = isObject(parent.properties)
        ? Object.keys(parent.properties)
        : [];
      return `${where} has an unknown field ${String(params.additionalProperty)}; it takes ${allowed.length > 0 ? listOf(allowed, 'and') : 'no fields'}`;
    }
    case 'enum':
      return `${where} must be one of: ${((params.allowedValues as unknown[]) ?? []).join(', ')} (got ${sentValue(error.data)})`;
    case 'anyOf':
    case 'oneOf': {
      const parent = isObject(error.parentSchema) ? error.parentSchema : {};
      const branches = (parent[error.keyword] as unknown[] | undefined) ?? [];
      const alternatives = branches.map(branch =>
        describeSchema(branch, resolve),
      );
      return `${where} must be ${listOf([...new Set(alternatives)])} (got ${sentValue(error.data)})`;
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${where} must be ${String(params.comparison)} ${String(params.limit)}`;
    case 'minLength':
      return `${where} must have at least ${String(params.limit)} character(s)`;
    case 'maxLength':
      return `${where} must have at most ${String(params.limit)} characters`;
    case 'minItems':
      return `${where} must list at least ${String(params.limit)} item(s)`;
    case 'maxItems':
      return `${where} must list at most ${String(params.limit)} items`;
    case 'pattern':
      return `${where} must match ${String(params.pattern)}`;
    case 'format':
      return `${where} must be a ${String(params.format)}`;
    default:
      return `${where} ${error.message ?? 'is invalid'}`;
  }
}

/** The value an error is about: the whole `where`, or a field inside it. */
function subjectOf(field: string, where: string): string {
  if (field === '') return where;
  if (where === 'The request body') return `Field ${field} of the request body`;
  return `${where}: field ${field}`;
}

/**
 * Messages for ajv's errors about one value (`where`: "The request body",
 * "Query parameter 'limit'"). The alternatives of a failed anyOf/oneOf are
 * reported once, as what the field must be, instead of each branch's errors.
 */
export function describeValidationErrors(
  errors: readonly ErrorObject[],
  where: string,
  resolve: ResolveRef,
): string[] {
  const unions = errors.filter(
    e => e.keyword === 'anyOf' || e.keyword === 'oneOf',
  );
  const insideUnion = (error: ErrorObject) =>
    unions.some(
      union =>
        union !== error &&
        (error.instancePath === union.instancePath ||
          error.instancePath.startsWith(`${union.instancePath}/`)),
    );
  const messages = errors
    .filter(error => !insideUnion(error))
    .map(error => {
      const field = fieldPathOf(error.instancePath);
      return describeError(error, subjectOf(field, where), resolve);
    });
  return [...new Set(messages)];
}
